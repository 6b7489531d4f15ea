import { type Architecture, convKernel, createRandom, fullSequenceLength, readsCandidates } from '@trm/core';

export interface ParameterSpec {
  readonly name: string;
  readonly shape: readonly number[];
  /** Fixed parameters (the y/z init vectors) are never updated by the optimizer. */
  readonly trainable: boolean;
  /** Excluded from weight decay (embeddings of puzzles, biases). */
  readonly decay: boolean;
  readonly init: { kind: 'truncated-normal'; std: number } | { kind: 'constant'; value: number };
}

/** Every parameter of the network, in a fixed order (the checkpoint layout follows it). */
export function trmParameterSpecs(architecture: Architecture): ParameterSpec[] {
  const { hiddenSize: hidden, vocabularySize, channelInnerSize, sequenceInnerSize } = architecture;
  const positions = fullSequenceLength(architecture);
  const lecun = (fanIn: number) => ({ kind: 'truncated-normal' as const, std: 1 / Math.sqrt(fanIn) });
  const specs: ParameterSpec[] = [
    { name: 'embedding.tokens', shape: [vocabularySize, hidden], trainable: true, decay: true, init: lecun(hidden) },
    {
      name: 'embedding.puzzle',
      shape: [architecture.puzzleIdentifiers, architecture.puzzleEmbeddingLength * hidden],
      trainable: true,
      decay: false,
      init: { kind: 'constant', value: 0 },
    },
    { name: 'initial.y', shape: [hidden], trainable: false, decay: false, init: { kind: 'truncated-normal', std: 1 } },
    { name: 'initial.z', shape: [hidden], trainable: false, decay: false, init: { kind: 'truncated-normal', std: 1 } },
  ];
  for (let layer = 0; layer < architecture.layers; layer++) {
    const prefix = `layers.${layer}`;
    if (architecture.mixer === 'mlp') {
      specs.push(
        { name: `${prefix}.sequence.gate`, shape: [positions, sequenceInnerSize], trainable: true, decay: true, init: lecun(positions) },
        { name: `${prefix}.sequence.up`, shape: [positions, sequenceInnerSize], trainable: true, decay: true, init: lecun(positions) },
        { name: `${prefix}.sequence.down`, shape: [sequenceInnerSize, positions], trainable: true, decay: true, init: lecun(sequenceInnerSize) },
      );
    } else if (architecture.mixer === 'conv') {
      const taps = convKernel(architecture).size ** 2;
      specs.push(
        { name: `${prefix}.conv`, shape: [taps * hidden, hidden], trainable: true, decay: true, init: lecun(taps * hidden) },
        { name: `${prefix}.pool`, shape: [hidden, hidden], trainable: true, decay: true, init: lecun(hidden) },
      );
      if (architecture.prefixToCells) specs.push({ name: `${prefix}.broadcast`, shape: [hidden, hidden], trainable: true, decay: true, init: lecun(hidden) });
    } else if (architecture.mixer === 'relations') {
      specs.push(
        { name: `${prefix}.relation.gate`, shape: [hidden, channelInnerSize], trainable: true, decay: true, init: lecun(hidden) },
        { name: `${prefix}.relation.up`, shape: [hidden, channelInnerSize], trainable: true, decay: true, init: lecun(hidden) },
        { name: `${prefix}.relation.down`, shape: [channelInnerSize, hidden], trainable: true, decay: true, init: lecun(channelInnerSize) },
        { name: `${prefix}.pool`, shape: [hidden, hidden], trainable: true, decay: true, init: lecun(hidden) },
      );
    } else {
      specs.push(
        { name: `${prefix}.attention.qkv`, shape: [hidden, 3 * hidden], trainable: true, decay: true, init: lecun(hidden) },
        { name: `${prefix}.attention.out`, shape: [hidden, hidden], trainable: true, decay: true, init: lecun(hidden) },
      );
    }
    specs.push(
      { name: `${prefix}.channel.gate`, shape: [hidden, channelInnerSize], trainable: true, decay: true, init: lecun(hidden) },
      { name: `${prefix}.channel.up`, shape: [hidden, channelInnerSize], trainable: true, decay: true, init: lecun(hidden) },
      { name: `${prefix}.channel.down`, shape: [channelInnerSize, hidden], trainable: true, decay: true, init: lecun(channelInnerSize) },
    );
  }
  specs.push(
    { name: 'head.answer', shape: [hidden, vocabularySize], trainable: true, decay: true, init: lecun(hidden) },
    // Starts at "do not halt": zero weight, bias -5, as in the reference.
    { name: 'head.halt.weight', shape: [hidden, 1], trainable: true, decay: true, init: { kind: 'constant', value: 0 } },
    { name: 'head.halt.bias', shape: [1], trainable: true, decay: false, init: { kind: 'constant', value: -5 } },
  );
  if (readsCandidates(architecture)) {
    // Starts at "keep" (bias 2, sigmoid 0.88): an untrained model drops nothing.
    specs.push(
      { name: 'head.keep.weight', shape: [hidden, vocabularySize], trainable: true, decay: true, init: lecun(hidden) },
      { name: 'head.keep.bias', shape: [vocabularySize], trainable: true, decay: false, init: { kind: 'constant', value: 2 } },
    );
  }
  return specs;
}

export type ParameterValues = Map<string, Float32Array>;

export function initializeParameters(architecture: Architecture, seed: number): ParameterValues {
  const random = createRandom(seed);
  const gaussian = () => {
    // Box-Muller; truncated at 2 std like the reference's truncated normal.
    for (;;) {
      const value = Math.sqrt(-2 * Math.log(1 - random.next())) * Math.cos(2 * Math.PI * random.next());
      if (Math.abs(value) <= 2) return value;
    }
  };
  const values: ParameterValues = new Map();
  for (const spec of trmParameterSpecs(architecture)) {
    const size = spec.shape.reduce((a, b) => a * b, 1);
    const data = new Float32Array(size);
    if (spec.init.kind === 'constant') data.fill(spec.init.value);
    else for (let index = 0; index < size; index++) data[index] = gaussian() * spec.init.std;
    values.set(spec.name, data);
  }
  return values;
}

export function parameterCount(architecture: Architecture, trainableOnly = true): number {
  return trmParameterSpecs(architecture)
    .filter((spec) => spec.trainable || !trainableOnly)
    .reduce((total, spec) => total + spec.shape.reduce((a, b) => a * b, 1), 0);
}
