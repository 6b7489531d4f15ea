// The packages as an npm user gets them: pack every tarball and serve them from a registry on
// loopback (the only @trm packages there are), then for the root README and each package README
// install exactly the packages its install line names into a project outside the workspace, as a
// user's `npm install` would, and run that README's snippets there (ESM and require()).
import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const packages = ['core', 'router', 'runtime-node', 'runtime-web', 'tasks-sudoku', 'tasks-maze', 'tasks-arc', 'sdk'];
const work = mkdtempSync(join(tmpdir(), 'trm-pack-'));
let registry;
afterAll(() => {
  registry?.kill();
  rmSync(work, { recursive: true, force: true });
});

const run = (command, args, cwd, env = {}) => execFileSync(command, args, { cwd, env: { ...process.env, ...env }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 120_000 });
const tarList = (file) => run('tar', ['tzf', file], work).split('\n').filter(Boolean);
const tarFile = (file, path) => run('tar', ['xzf', file, '-O', path], work);

/** The root README, or a package's. */
const readme = (name) => readFileSync(name === 'root' ? join(root, 'README.md') : join(root, 'packages', name, 'README.md'), 'utf8');

/** The ```js blocks of a README section. */
function snippets(section) {
  const text = readme('root');
  const start = text.indexOf(`## ${section}`);
  const body = text.slice(start, text.indexOf('\n## ', start + 3));
  return [...body.matchAll(/```js\n([\s\S]*?)```/g)].map((match) => match[1]);
}

/** Every ```ts or ```js block of a README (plain JavaScript, so it runs as written). */
function readmeSnippets(name) {
  return [...readme(name).matchAll(/```(?:ts|js)\n([\s\S]*?)```/g)].map((match) => match[1]);
}

/** The packages a README's install line names (`npm install @trm/a @trm/b`); exactly one such line. */
function installList(name) {
  const lines = [...readme(name).matchAll(/^(?:[A-Z_]+=\S+ )?npm install ((?:@trm\/[a-z-]+ ?)+)$/gm)];
  expect(lines.length, `${name} README: one npm install line`).toBe(1);
  return lines[0][1].trim().split(/\s+/);
}

/** The @trm packages a piece of code imports or requires. */
const importedPackages = (code) => new Set([...code.matchAll(/(?:from\s+|import\(|require\()['"](@trm\/[a-z-]+)/g)].map((match) => match[1]));

// Which README snippets run in Node here: runtime-web's needs a browser (the browser test runs the page that uses it).
const readmes = ['root', ...packages];
const runsInNode = (name) => name !== 'runtime-web';

describe('packed packages install and run outside the workspace', () => {
  const tarballs = {};
  const manifests = {};

  it('each tarball has its build, a LICENSE, metadata, and no workspace: ranges', () => {
    const packs = join(work, 'packs');
    for (const name of packages) run('pnpm', ['pack', '--pack-destination', packs], join(root, 'packages', name));
    for (const file of readdirSync(packs)) tarballs[file.replace(/^trm-(.*)-\d+\.\d+\.\d+\.tgz$/, '@trm/$1')] = join(packs, file);
    expect(Object.keys(tarballs).sort()).toEqual(packages.map((name) => `@trm/${name}`).sort());
    for (const [name, file] of Object.entries(tarballs)) {
      const files = tarList(file);
      expect(files, name).toContain('package/LICENSE');
      expect(files, name).toContain('package/dist/index.js');
      expect(files, name).toContain('package/dist/index.d.ts');
      const manifest = JSON.parse(tarFile(file, 'package/package.json'));
      manifests[name] = manifest;
      expect(manifest.description, name).toBeTruthy();
      expect(manifest.repository?.url, name).toBeTruthy();
      expect(manifest.engines?.node, name).toBe('>=20.19');
      expect(manifest.exports['.'].default, name).toBe('./dist/index.js');
      expect(Object.keys(manifest.exports['.'])[0], name).toBe('types');
      expect(JSON.stringify(manifest), name).not.toContain('workspace:');
      if (name !== '@trm/core') expect(manifest.peerDependencies?.['@trm/core'], name).toBe('^0.1.0');
    }
    for (const name of ['@trm/tasks-sudoku', '@trm/tasks-maze']) {
      const files = tarList(tarballs[name]);
      const weights = JSON.parse(tarFile(tarballs[name], 'package/model/manifest.json')).weights[0].path;
      expect(files).toContain(`package/model/${weights}`);
    }
    // The runtimes stand below the tasks: core (a peer) and onnxruntime only.
    expect(Object.keys(manifests['@trm/runtime-node'].dependencies)).toEqual(['onnxruntime-node']);
    expect(Object.keys(manifests['@trm/runtime-web'].dependencies)).toEqual(['onnxruntime-web']);
    // The SDK picks its entry by condition: the browser gets the onnxruntime-web one.
    expect(manifests['@trm/sdk'].exports['.']).toEqual({ types: './dist/index.d.ts', browser: './dist/browser.js', node: './dist/index.js', default: './dist/index.js' });
    expect(tarList(tarballs['@trm/sdk'])).toContain('package/dist/browser.js');
  });

  it('each README names exactly what its snippets import, and the peers of what it names', () => {
    for (const name of readmes) {
      const listed = installList(name);
      const imported = new Set(readmeSnippets(name).flatMap((code) => [...importedPackages(code)]));
      // Named but not imported: only a peer that a named package needs.
      const peers = new Set(listed.flatMap((listedName) => Object.keys(manifests[listedName]?.peerDependencies ?? {})));
      for (const listedName of listed) {
        expect(imported.has(listedName) || peers.has(listedName), `${name} README installs ${listedName}, which its snippets do not import`).toBe(true);
      }
      for (const importedName of imported) expect(listed, `${name} README imports ${importedName} without installing it`).toContain(importedName);
      if (name !== 'root') expect(listed, `${name} README installs its own package`).toContain(`@trm/${name}`);
    }
  });

  /**
   * A registry on loopback that holds the packed tarballs and nothing else, in a child process
   * (npm runs synchronously here). A user's install fetches a named package's @trm dependencies
   * from the registry, and so does this one; anything else it asks for is a 404.
   */
  async function startRegistry() {
    const packages = Object.fromEntries(
      Object.entries(tarballs).map(([name, file]) => {
        const bytes = readFileSync(file);
        const dist = { tarball: `/tarballs/${name.replace('/', '-')}.tgz`, integrity: `sha512-${createHash('sha512').update(bytes).digest('base64')}`, shasum: createHash('sha1').update(bytes).digest('hex') };
        return [name, { file, manifest: { ...manifests[name], _id: `${name}@${manifests[name].version}`, dist } }];
      }),
    );
    const script = join(work, 'registry.mjs');
    writeFileSync(
      script,
      `import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';
const packages = ${JSON.stringify(packages)};
const server = createServer((request, response) => {
  const base = 'http://' + request.headers.host;
  const path = decodeURIComponent(request.url.split('?')[0]).slice(1);
  const entry = packages[path];
  if (entry) {
    const { version } = entry.manifest;
    const manifest = { ...entry.manifest, dist: { ...entry.manifest.dist, tarball: base + entry.manifest.dist.tarball } };
    response.setHeader('content-type', 'application/json');
    return response.end(JSON.stringify({ name: path, 'dist-tags': { latest: version }, versions: { [version]: manifest } }));
  }
  const tarball = Object.values(packages).find((candidate) => candidate.manifest.dist.tarball === '/' + path);
  if (tarball) return response.end(readFileSync(tarball.file));
  response.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'not found: ' + path }));
});
server.listen(0, '127.0.0.1', () => console.log(server.address().port));
`,
    );
    registry = spawn(process.execPath, [script], { stdio: ['ignore', 'pipe', 'inherit'] });
    const port = await new Promise((resolve, reject) => {
      registry.stdout.once('data', (chunk) => resolve(Number(String(chunk).trim())));
      registry.once('exit', (code) => reject(new Error(`registry exited with ${code}`)));
    });
    return `http://127.0.0.1:${port}/`;
  }
  let registryUrl;

  // Third-party packages come from the workspace's own install (links), so nothing is fetched
  // from the internet; a @trm package nobody packed would be a 404 (E404) from the registry.
  const thirdParty = () =>
    Object.fromEntries(
      [['zod', 'core'], ['onnxruntime-node', 'runtime-node'], ['onnxruntime-web', 'runtime-web']].map(([name, from]) => [name, `file:${realpathSync(join(root, 'packages', from, 'node_modules', name))}`]),
    );
  const projects = new Map(); // one project per distinct install list

  /** A fresh project with exactly `list` installed from the registry (scripts off: a linked source package would run its own `prepare`). */
  function install(list) {
    const key = [...list].sort().join(' ');
    if (projects.has(key)) return projects.get(key);
    const project = join(work, `project-${projects.size}`);
    mkdirSync(project, { recursive: true });
    const dependencies = { ...Object.fromEntries(list.map((name) => [name, `^${manifests[name].version}`])), ...thirdParty() };
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'scratch', private: true, type: 'module', dependencies }, null, 2));
    run('npm', ['install', '--registry', registryUrl, '--no-audit', '--no-fund', '--ignore-scripts'], project, { ONNXRUNTIME_NODE_INSTALL: 'skip', npm_config_cache: join(work, 'npm-cache') });
    projects.set(key, project);
    return project;
  }

  it("installs each README's own list, and every package of it loads (ESM and require())", async () => {
    registryUrl = await startRegistry();
    for (const name of readmes) {
      const list = installList(name);
      const project = install(list);
      for (const listed of list) {
        const loaded = run(process.execPath, ['--input-type=module', '-e', `const m = await import('${listed}'); console.log(Object.keys(m).length > 0)`], project);
        expect(loaded.trim(), `${name} README: import('${listed}')`).toBe('true');
      }
    }
    // CommonJS: require() of the ESM packages (Node >= 20.19).
    const project = install(installList('root'));
    const required = run(process.execPath, ['-e', "const { createSolver, sudoku, solve } = require('@trm/sdk'); console.log(typeof createSolver, sudoku.task, typeof solve)"], project);
    expect(required.trim()).toBe('function sudoku function');
  });

  it("runs the root README's snippets in its own install: the one-liner and the explicit form", () => {
    const project = install(installList('root'));
    const blocks = snippets('Use it from code');
    expect(blocks.length).toBe(2);
    blocks.forEach((code, index) => writeFileSync(join(project, `snippet-${index}.mjs`), code));
    const oneLiner = run(process.execPath, ['snippet-0.mjs'], project);
    expect(oneLiner).toMatch(/^sudoku [1-9]{81} (true|false) \d+/);
    const [, answer, verified] = /^sudoku ([1-9]{81}) (true|false)/.exec(oneLiner);
    // Checked here by rows, columns and boxes, not by the package's verifier.
    const digits = (cells) => [...cells].sort().join('') === '123456789';
    const units = [];
    for (let i = 0; i < 9; i++) {
      units.push(answer.slice(i * 9, i * 9 + 9));
      units.push(Array.from({ length: 9 }, (_, r) => answer[r * 9 + i]).join(''));
      units.push(Array.from({ length: 9 }, (_, k) => answer[(3 * Math.floor(i / 3) + Math.floor(k / 3)) * 9 + 3 * (i % 3) + (k % 3)]).join(''));
    }
    expect(verified).toBe(String(units.every(digits)));
    const explicit = run(process.execPath, ['snippet-1.mjs'], project);
    expect(explicit.trim().split('\n').at(-1)).toMatch(/^[0-9]{81} \d+ (true|false)$/);
  });

  it('the SDK resolves its browser entry under the browser condition, from the installed package', () => {
    const project = install(installList('sdk'));
    const entry = (...conditions) =>
      run(process.execPath, [...conditions.map((condition) => `--conditions=${condition}`), '--input-type=module', '-e', "const sdk = await import('@trm/sdk'); console.log(sdk.createRuntime().name)"], project).trim();
    expect(entry()).toBe('onnxruntime-node/auto');
    expect(entry('browser')).toBe('onnxruntime-web/auto');
  });

  it('publint (strict) and arethetypeswrong find nothing in any package', () => {
    const bin = (name) => join(root, 'node_modules', '.bin', name);
    for (const name of [...packages, 'trainer', 'cli']) {
      const folder = join(root, 'packages', name);
      expect(() => run(bin('publint'), ['--strict', folder], root), `publint ${name}`).not.toThrow();
      // require() of ESM is supported from Node 20.19 (the engines floor), which TypeScript's node16 model does not know yet.
      expect(() => run(bin('attw'), ['--pack', folder, '--profile', 'node16', '--ignore-rules', 'cjs-resolves-to-esm', '--format', 'ascii'], root), `attw ${name}`).not.toThrow();
    }
  });

  it('every Node snippet of the package READMEs runs as written in the install of that README', () => {
    let count = 0;
    for (const name of packages.filter(runsInNode)) {
      const project = install(installList(name));
      readmeSnippets(name).forEach((code, index) => {
        const file = join(project, `${name}-${index}.mjs`);
        writeFileSync(file, code);
        expect(() => run(process.execPath, [file], project), `${name} README snippet ${index + 1}`).not.toThrow();
        count++;
      });
    }
    expect(count).toBeGreaterThanOrEqual(8);
  });
});
