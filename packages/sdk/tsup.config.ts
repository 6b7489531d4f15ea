import { libraryConfig } from '../../tsup.base';

// Two entries with one API: `exports` sends the `browser` condition to browser.js, Node to index.js.
export default libraryConfig({ entry: ['src/index.ts', 'src/browser.ts'] });
