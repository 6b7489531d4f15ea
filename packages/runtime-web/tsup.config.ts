import { libraryConfig } from '../../tsup.base';

export default libraryConfig({
  platform: 'browser',
  // The application's bundler resolves onnxruntime-web and its wasm files.
  external: ['onnxruntime-web'],
});
