import { libraryConfig } from '../../tsup.base';

// A command-line tool: no type declarations to publish.
export default libraryConfig({ entry: ['src/index.ts', 'src/bin.ts'], platform: 'node', dts: false });
