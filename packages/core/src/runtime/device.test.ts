import { describe, expect, it } from 'vitest';
import { UnsupportedDeviceError } from '../contracts/errors/unsupported-device-error';
import { defaultDevice, deviceNames, parseDevice } from './device';

describe('device words', () => {
  it('takes the shared words on every platform, and undefined as the default', () => {
    for (const platform of ['node', 'web'] as const) {
      for (const word of ['auto', 'cpu', 'gpu']) expect(parseDevice(word, platform)).toBe(word);
      expect(parseDevice(undefined, platform)).toBe('auto');
    }
    expect(defaultDevice).toBe('auto');
  });

  it("keeps each platform's old words as aliases of the shared ones", () => {
    expect(parseDevice('cuda', 'node')).toBe('gpu');
    expect(parseDevice('webgpu', 'web')).toBe('gpu');
    expect(parseDevice('wasm', 'web')).toBe('cpu');
    expect(deviceNames('node')).toEqual(['auto', 'cpu', 'gpu', 'cuda']);
    expect(deviceNames('web')).toEqual(['auto', 'cpu', 'gpu', 'webgpu', 'wasm']);
  });

  it('refuses any other word, and another platform’s alias, with a typed error naming device', () => {
    for (const [value, platform] of [['tpu', 'node'], ['wasm', 'node'], ['cuda', 'web'], ['GPU', 'node'], [1, 'web'], ['toString', 'node']] as const) {
      let caught: unknown;
      try {
        parseDevice(value, platform);
      } catch (error) {
        caught = error;
      }
      expect(UnsupportedDeviceError.isInstance(caught), String(value)).toBe(true);
      expect((caught as UnsupportedDeviceError).field).toBe('device');
      expect((caught as UnsupportedDeviceError).supported).toEqual(deviceNames(platform));
      expect((caught as Error).message).toMatch(/auto, cpu or gpu/);
    }
  });
});
