import { libraryConfig } from '../../tsup.base';

export default libraryConfig({ entry: { index: 'src/index.ts', test: 'src/test.ts', node: 'src/node.ts', 'contracts/index': 'src/contracts/index.ts' } });
