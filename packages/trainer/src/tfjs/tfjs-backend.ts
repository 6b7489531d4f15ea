import * as tf from '@tensorflow/tfjs';

export type TfjsBackendName = 'tensorflow' | 'wasm' | 'cpu';

/**
 * Picks the fastest tfjs backend that loads: tfjs-node ('tensorflow') when the user has it
 * installed, else WebAssembly (SIMD), else the plain JS CPU backend.
 */
export async function initializeTfjsBackend(preferred?: TfjsBackendName): Promise<TfjsBackendName> {
  const order: TfjsBackendName[] = preferred ? [preferred] : ['tensorflow', 'wasm', 'cpu'];
  for (const name of order) {
    try {
      if (name === 'tensorflow') {
        const moduleName = '@tensorflow/tfjs-node';
        await import(/* @vite-ignore */ moduleName);
      } else if (name === 'wasm') {
        await import('@tensorflow/tfjs-backend-wasm');
      }
      if (await tf.setBackend(name)) {
        await tf.ready();
        return name;
      }
    } catch {
      // Not installed or failed to initialise: try the next one.
    }
  }
  throw new Error(`no tfjs backend could be initialised (tried ${order.join(', ')})`);
}

export { tf };
