// Test helper: a client that sends headers, then its body one byte every `everyMs`, so the socket
// is never idle and only a whole-request timeout can end it. Resolves with what the server sent
// before closing, or 'still open' after `giveUpMs`.
import { connect } from 'node:net';

export function trickleBody(port, { everyMs = 100, giveUpMs = 5_000 } = {}) {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1', () => socket.write('POST /solve HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n"'));
    const drip = setInterval(() => socket.write('.'), everyMs);
    let answer = '';
    socket.on('data', (chunk) => (answer += chunk));
    socket.on('error', () => {});
    socket.on('close', () => {
      clearInterval(drip);
      resolve(answer);
    });
    setTimeout(() => {
      clearInterval(drip);
      socket.destroy();
      resolve('still open');
    }, giveUpMs);
  });
}
