// The packages as an npm user gets them: pack every tarball, install them offline into a project
// outside the workspace, and run the README's snippets there (ESM and require()).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const packages = ['core', 'router', 'runtime-node', 'runtime-web', 'tasks-sudoku', 'tasks-maze', 'tasks-arc'];
const work = mkdtempSync(join(tmpdir(), 'trm-pack-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const run = (command, args, cwd, env = {}) => execFileSync(command, args, { cwd, env: { ...process.env, ...env }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 120_000 });
const tarList = (file) => run('tar', ['tzf', file], work).split('\n').filter(Boolean);
const tarFile = (file, path) => run('tar', ['xzf', file, '-O', path], work);

/** The ```js blocks of a README section. */
function snippets(section) {
  const text = readFileSync(join(root, 'README.md'), 'utf8');
  const start = text.indexOf(`## ${section}`);
  const body = text.slice(start, text.indexOf('\n## ', start + 3));
  return [...body.matchAll(/```js\n([\s\S]*?)```/g)].map((match) => match[1]);
}

/** Every ```ts or ```js block of a package README (plain JavaScript, so it runs as written). */
function packageSnippets(name) {
  const text = readFileSync(join(root, 'packages', name, 'README.md'), 'utf8');
  return [...text.matchAll(/```(?:ts|js)\n([\s\S]*?)```/g)].map((match) => match[1]);
}

describe('packed packages install and run outside the workspace', () => {
  const tarballs = {};

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
  });

  it('installs offline with npm and runs the README snippets, the one-liner and require()', () => {
    const project = join(work, 'project');
    run('mkdir', ['-p', project], work);
    // Third-party packages come from the workspace's own install (links), so nothing is fetched;
    // scripts are off because a linked source package would run its own `prepare` build.
    const thirdParty = Object.fromEntries(
      [['zod', 'core'], ['onnxruntime-node', 'runtime-node'], ['onnxruntime-web', 'runtime-web']].map(([name, from]) => [name, `file:${realpathSync(join(root, 'packages', from, 'node_modules', name))}`]),
    );
    const dependencies = { ...Object.fromEntries(Object.entries(tarballs).map(([name, file]) => [name, `file:${file}`])), ...thirdParty };
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'scratch', private: true, type: 'module', dependencies }, null, 2));
    run('npm', ['install', '--offline', '--no-audit', '--no-fund', '--ignore-scripts'], project, { ONNXRUNTIME_NODE_INSTALL: 'skip', npm_config_cache: join(work, 'npm-cache') });

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
    // CommonJS: require() of the ESM packages (Node >= 20.19).
    const required = run(process.execPath, ['-e', "const { createSolver } = require('@trm/core'); const { sudoku } = require('@trm/tasks-sudoku'); console.log(typeof createSolver, sudoku.task)"], project);
    expect(required.trim()).toBe('function sudoku');
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

  it('every Node snippet of the package READMEs runs as written in that project', () => {
    const project = join(work, 'project');
    // runtime-web's snippet needs a browser: the browser test runs the page that uses it.
    const names = ['core', 'router', 'runtime-node', 'tasks-sudoku', 'tasks-maze', 'tasks-arc'];
    let count = 0;
    for (const name of names) {
      packageSnippets(name).forEach((code, index) => {
        const file = join(project, `${name}-${index}.mjs`);
        writeFileSync(file, code);
        expect(() => run(process.execPath, [file], project), `${name} README snippet ${index + 1}`).not.toThrow();
        count++;
      });
    }
    expect(count).toBeGreaterThanOrEqual(7);
  });
});
