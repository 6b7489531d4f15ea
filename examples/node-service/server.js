import { buildApp } from './app.js';

const port = Number(process.env.PORT ?? 3000);
const app = await buildApp({ logger: true });
await app.listen({ port, host: '127.0.0.1', backlog: 4096 });
