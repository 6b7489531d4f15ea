import { libraryConfig } from '../../tsup.base';

// `adapt` is its own entry so browsers can import it without onnxruntime-node or tfjs.
export default libraryConfig({ entry: ['src/index.ts', 'src/adapt/index.ts'] });
