import * as ort from 'onnxruntime-node';
import { OnnxGraphBuilder, OnnxType } from '@trm/trainer';

/**
 * GFLOP/s of a single onnxruntime MatMul [rows, inner] x [inner, columns] in this process: the
 * reference the model's throughput is compared with.
 */
export async function measureMatmulPeak({ rows, inner, columns, threads, seconds = 1.5, repeats = 8 }) {
  // Several independent MatMuls per run (distinct weights, so none is folded away), each reduced
  // to a scalar in the graph: neither per-run overhead nor copying products back to JS counts
  // against the matmul speed (the reduction adds under 1/(2*inner) of the work).
  const graph = new OnnxGraphBuilder();
  const a = graph.input('a', OnnxType.float, [rows, inner]);
  for (let copy = 0; copy < repeats; copy++) {
    const weight = graph.initializer(`w${copy}`, OnnxType.float, [inner, columns], Float32Array.from({ length: inner * columns }, (_, i) => (((i + copy) % 7) - 3) / 10));
    const product = graph.node('MatMul', [a, weight]);
    graph.node('ReduceSum', [product], { keepdims: 0 }, `out${copy}`);
    graph.output(`out${copy}`, OnnxType.float, []);
  }
  const session = await ort.InferenceSession.create(graph.toBytes({ opset: 17, producer: 'bench' }), {
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
  });
  const feeds = { a: new ort.Tensor('float32', new Float32Array(rows * inner).fill(0.5), [rows, inner]) };
  for (let i = 0; i < 3; i++) await session.run(feeds);
  let runs = 0;
  const started = performance.now();
  while (performance.now() - started < seconds * 1000) {
    await session.run(feeds);
    runs++;
  }
  const elapsed = (performance.now() - started) / 1000;
  await session.release();
  return (2 * rows * inner * columns * repeats * runs) / elapsed / 1e9;
}

/**
 * The network's matmul shapes for a batch, with how often each runs per network call; measuring
 * all of them gives the matmul-only speed of "the same shapes" the model runs.
 */
export function modelMatmulShapes(manifest, batchSize) {
  const a = manifest.architecture;
  const positions = a.puzzleEmbeddingLength + a.sequenceLength;
  const shapes = [
    { rows: batchSize * positions, inner: a.hiddenSize, columns: a.channelInnerSize, count: 2 },
    { rows: batchSize * positions, inner: a.channelInnerSize, columns: a.hiddenSize, count: 1 },
  ];
  if (a.mixer === 'mlp') {
    shapes.push({ rows: batchSize * a.hiddenSize, inner: positions, columns: a.sequenceInnerSize, count: 2 });
    shapes.push({ rows: batchSize * a.hiddenSize, inner: a.sequenceInnerSize, columns: positions, count: 1 });
  } else if (a.mixer === 'conv') {
    // The k x k taps gathered side by side, times one [k*k*D, D] weight.
    shapes.push({ rows: batchSize * a.sequenceLength, inner: (a.kernelSize ?? 3) ** 2 * a.hiddenSize, columns: a.hiddenSize, count: 1 });
  } else {
    shapes.push({ rows: batchSize * positions, inner: a.hiddenSize, columns: 3 * a.hiddenSize, count: 1 });
    shapes.push({ rows: batchSize * positions, inner: a.hiddenSize, columns: a.hiddenSize, count: 1 });
  }
  return shapes;
}

/** Matmul-only GFLOP/s over the model's shapes, weighted as the network runs them. */
export async function measureModelMatmulPeak(manifest, batchSize, threads) {
  let flops = 0;
  let seconds = 0;
  for (const shape of modelMatmulShapes(manifest, batchSize)) {
    const gflops = await measureMatmulPeak({ ...shape, threads, seconds: 1 });
    const shapeFlops = 2 * shape.rows * shape.inner * shape.columns * shape.count;
    flops += shapeFlops;
    seconds += shapeFlops / (gflops * 1e9);
  }
  return flops / seconds / 1e9;
}

/** FLOPs of one network call (all layers) for one sample. */
export function networkCallFlops(manifest) {
  const { architecture: a } = manifest;
  const positions = a.puzzleEmbeddingLength + a.sequenceLength;
  const channel = 3 * 2 * positions * a.hiddenSize * a.channelInnerSize;
  const mix =
    a.mixer === 'mlp'
      ? 3 * 2 * a.hiddenSize * positions * a.sequenceInnerSize
      : a.mixer === 'conv'
        ? 2 * a.sequenceLength * (a.kernelSize ?? 3) ** 2 * a.hiddenSize * a.hiddenSize + 2 * a.hiddenSize * a.hiddenSize
        : 2 * positions * a.hiddenSize * 4 * a.hiddenSize + 2 * 2 * positions * positions * a.hiddenSize;
  return a.layers * (channel + mix);
}

/**
 * FLOPs of one training step for one sample: the whole forward, plus backward (about twice the
 * forward) through the last recursion's n + 1 network calls and the heads.
 */
export function trainingStepFlopsPerSample(manifest) {
  const { recursion: r } = manifest;
  const heads = 2 * manifest.architecture.sequenceLength * manifest.architecture.hiddenSize * manifest.architecture.vocabularySize;
  return stepFlopsPerSample(manifest) + 2 * ((r.latentSteps + 1) * networkCallFlops(manifest) + heads);
}

/** Multiply-add FLOPs of one supervision step for one sample, from the manifest's architecture. */
export function stepFlopsPerSample(manifest) {
  const { architecture: a, recursion: r } = manifest;
  const heads = 2 * a.sequenceLength * a.hiddenSize * a.vocabularySize;
  return r.cycles * (r.latentSteps + 1) * networkCallFlops(manifest) + heads;
}
