import { type Architecture, type Recursion, convKernel, fullSequenceLength, readsCandidates } from '@trm/core';
import type { TensorOps } from './tensor-ops';

/**
 * The rotary angles of attention, [positions x headSize / 2]: each position's angle per frequency.
 * 1d: the position along the sequence. 2d: a cell's row turns the first half of the frequencies and
 * its column the second; the prefix sits at (0, 0), cells from (1, 1).
 */
export function rotaryAngles(architecture: Architecture): Float32Array {
  const positions = fullSequenceLength(architecture);
  const prefix = architecture.puzzleEmbeddingLength;
  const half = architecture.hiddenSize / architecture.heads / 2;
  const grid = architecture.rope === '2d' ? architecture.grid : undefined;
  const perAxis = half / 2;
  const angles = new Float32Array(positions * half);
  for (let position = 0; position < positions; position++) {
    const cell = position - prefix;
    const [row, column] = !grid || cell < 0 ? [0, 0] : [Math.floor(cell / grid.width) + 1, (cell % grid.width) + 1];
    for (let index = 0; index < half; index++) {
      angles[position * half + index] = grid
        ? (index < perAxis ? row : column) / Math.pow(architecture.ropeTheta, (index % perAxis) / perAxis)
        : position / Math.pow(architecture.ropeTheta, index / half);
    }
  }
  return angles;
}

/**
 * A grid's k x k neighbourhoods side by side, from primitives: the grid zero-padded, each tap the
 * padded grid shifted by (dy, dx) (ends count from the end, so any size works), [B, H, W, k*k*D].
 */
export function gridTaps<T>(ops: TensorOps<T>, grid: T, size: number, dilation: number): T {
  const reach = (dilation * (size - 1)) / 2;
  const padded = ops.pad(grid, [0, reach, reach, 0, 0, reach, reach, 0]);
  const shifted = (x: T, axis: number, offset: number) => ops.slice(x, axis, reach + offset, offset - reach < 0 ? offset - reach : undefined);
  const taps: T[] = [];
  for (let dy = -reach; dy <= reach; dy += dilation) {
    const rows = shifted(padded, 1, dy);
    for (let dx = -reach; dx <= reach; dx += dilation) taps.push(shifted(rows, 2, dx));
  }
  return ops.concat(taps, 3);
}

/** The k x k neighbourhood matmul from primitives: the taps times the weight [k*k*D, N]. */
export function gridConvByTaps<T>(ops: TensorOps<T>, grid: T, weight: T, size: number, dilation: number): T {
  return ops.linear(gridTaps(ops, grid, size, dilation), weight);
}

/**
 * The TRM network, written once against TensorOps. The trainer lowers it to tfjs and the
 * exporter to ONNX.
 *
 * Shapes: tokens [B, L] (int), puzzle ids [B, 1] (int), states y/z [B, P + L, D], where P is the
 * puzzle-embedding prefix.
 */
export function createTrmNetwork<T>(ops: TensorOps<T>, architecture: Architecture, recursion: Recursion) {
  const hidden = architecture.hiddenSize;
  const prefix = architecture.puzzleEmbeddingLength;
  const positions = fullSequenceLength(architecture);
  const epsilon = architecture.rmsNormEpsilon;

  const swiGlu = (x: T, name: string) =>
    ops.linear(
      ops.mul(ops.silu(ops.linear(x, ops.parameter(`${name}.gate`))), ops.linear(x, ops.parameter(`${name}.up`))),
      ops.parameter(`${name}.down`),
    );

  // The MLP mixer mixes positions with a SwiGLU applied along the sequence axis.
  const sequenceMix = (h: T, layer: number) =>
    ops.transpose(swiGlu(ops.transpose(h, [0, 2, 1]), `layers.${layer}.sequence`), [0, 2, 1]);

  let rope: { cos: T; sin: T } | undefined;
  const ropeTables = () => {
    if (rope) return rope;
    const headSize = hidden / architecture.heads;
    const half = headSize / 2;
    const angles = rotaryAngles(architecture);
    const cos = new Float32Array(positions * headSize);
    const sin = new Float32Array(positions * headSize);
    for (let position = 0; position < positions; position++) {
      for (let index = 0; index < half; index++) {
        const angle = angles[position * half + index]!;
        for (const offset of [index, index + half]) {
          cos[position * headSize + offset] = Math.cos(angle);
          sin[position * headSize + offset] = Math.sin(angle);
        }
      }
    }
    rope = {
      cos: ops.constant('rope.cos', cos, [positions, headSize]),
      sin: ops.constant('rope.sin', sin, [positions, headSize]),
    };
    return rope;
  };

  const attention = (h: T, layer: number) => {
    const heads = architecture.heads;
    const headSize = hidden / heads;
    const qkv = ops.linear(h, ops.parameter(`layers.${layer}.attention.qkv`));
    const split = (index: number) =>
      ops.transpose(ops.reshape(ops.slice(qkv, 2, index * hidden, (index + 1) * hidden), [-1, positions, heads, headSize]), [0, 2, 1, 3]);
    const { cos, sin } = ropeTables();
    const rotate = (x: T) => {
      const half = headSize / 2;
      const rotated = ops.concat([ops.scale(ops.slice(x, 3, half, headSize), -1), ops.slice(x, 3, 0, half)], 3);
      return ops.add(ops.mul(x, cos), ops.mul(rotated, sin));
    };
    const query = rotate(split(0));
    const key = rotate(split(1));
    const value = split(2);
    const weights = ops.softmax(ops.scale(ops.batchMatMul(query, key, true), 1 / Math.sqrt(headSize)));
    const mixed = ops.reshape(ops.transpose(ops.batchMatMul(weights, value, false), [0, 2, 1, 3]), [-1, positions, hidden]);
    return ops.linear(mixed, ops.parameter(`layers.${layer}.attention.out`));
  };

  /**
   * The conv mixer: each grid cell mixes its k x k neighbourhood (zero outside the grid) with one
   * matmul over the gathered taps; the prefix positions read the mean of the grid, so the halting
   * head sees all of it. No weight depends on the grid's size.
   */
  const convMix = (h: T, layer: number) => {
    const { height, width } = architecture.grid!;
    const { size, dilation } = convKernel(architecture);
    const cells = ops.slice(h, 1, prefix);
    const grid = ops.toGrid(cells, height, width, hidden);
    const weight = ops.parameter(`layers.${layer}.conv`);
    const mixedGrid = ops.gridConv ? ops.gridConv(grid, weight, size, dilation) : gridConvByTaps(ops, grid, weight, size, dilation);
    let local = ops.fromGrid(mixedGrid, hidden);
    // [B, 1, D] added to every cell: the only way the puzzle embedding reaches the grid.
    if (architecture.prefixToCells) local = ops.add(local, ops.linear(ops.slice(h, 1, 0, 1), ops.parameter(`layers.${layer}.broadcast`)));
    const pooled = ops.linear(ops.mean(cells, 1), ops.parameter(`layers.${layer}.pool`));
    return ops.concat([...Array.from({ length: prefix }, () => pooled), local], 1);
  };

  let relationTables: { gather: T; scatter: T } | undefined;
  const relationMatrices = () => {
    if (relationTables) return relationTables;
    const groups = architecture.relations!;
    const length = architecture.sequenceLength;
    const count = groups.length;
    // gather [L, R]: column r averages group r's members; scatter [R, L]: a position receives the
    // mean of its groups' messages, so every position's input has the same scale.
    const gather = new Float32Array(length * count);
    const scatter = new Float32Array(count * length);
    const memberships = new Float32Array(length);
    for (const group of groups) for (const position of group) memberships[position]! += 1;
    groups.forEach((group, index) => {
      for (const position of group) {
        gather[position * count + index] = 1 / group.length;
        scatter[index * length + position] = 1 / memberships[position]!;
      }
    });
    relationTables = { gather: ops.constant('relations.gather', gather, [length, count]), scatter: ops.constant('relations.scatter', scatter, [count, length]) };
    return relationTables;
  };

  /**
   * The relations mixer: each group of positions that constrain each other (a row of a grid puzzle) is
   * summarised by its members' mean, transformed by one SwiGLU shared by every group, and sent back
   * to its members. Constant matrices do the gathering, so no weight depends on a position.
   */
  const relationsMix = (h: T, layer: number) => {
    const { gather, scatter } = relationMatrices();
    const cells = ops.slice(h, 1, prefix);
    const summaries = ops.transpose(ops.linear(ops.transpose(cells, [0, 2, 1]), gather), [0, 2, 1]);
    const messages = swiGlu(summaries, `layers.${layer}.relation`);
    const received = ops.transpose(ops.linear(ops.transpose(messages, [0, 2, 1]), scatter), [0, 2, 1]);
    const pooled = ops.linear(ops.mean(cells, 1), ops.parameter(`layers.${layer}.pool`));
    return ops.concat([...Array.from({ length: prefix }, () => pooled), received], 1);
  };

  // Post-norm block: h = norm(h + mix(h)); h = norm(h + mlp(h)).
  const block = (h: T, layer: number) => {
    const mixer = architecture.mixer;
    const mixed = mixer === 'mlp' ? sequenceMix(h, layer) : mixer === 'conv' ? convMix(h, layer) : mixer === 'relations' ? relationsMix(h, layer) : attention(h, layer);
    const afterMix = ops.rmsNorm(ops.add(h, mixed), epsilon);
    return ops.rmsNorm(ops.add(afterMix, swiGlu(afterMix, `layers.${layer}.channel`)), epsilon);
  };

  /** net(h, injection) = blocks(h + injection). */
  const net = (h: T, injection: T) => {
    let out = ops.add(h, injection);
    for (let layer = 0; layer < architecture.layers; layer++) out = block(out, layer);
    return out;
  };

  return {
    /**
     * Token and puzzle embeddings, scaled by sqrt(D): [B, P + L, D]. A candidate model reads a
     * [B, L, V] mask instead of ids: each position gets the sum of its candidates' embeddings (a
     * decided position exactly its token's, as a token model would).
     */
    embedInputs(tokens: T, puzzleIdentifiers: T): T {
      const table = ops.parameter('embedding.tokens');
      const tokenEmbedding = readsCandidates(architecture) ? ops.linear(tokens, table) : ops.embed(tokens, table);
      const puzzleEmbedding = ops.reshape(ops.embed(puzzleIdentifiers, ops.parameter('embedding.puzzle')), [-1, prefix, hidden]);
      return ops.scale(ops.concat([puzzleEmbedding, tokenEmbedding], 1), Math.sqrt(hidden));
    },
    /**
     * Slots whose reset is 1 ([B, 1, 1]) restart from the fixed initial vectors. Written as
     * (state - reset*state) + reset*init so a reset slot gets exactly init: the shorter
     * state + reset*(init - state) rounds, and a request's answer then depended on whatever
     * the slot held before.
     */
    resetState(y: T, z: T, reset: T): { y: T; z: T } {
      const restart = (state: T, initial: T) => ops.add(ops.sub(state, ops.mul(reset, state)), ops.mul(reset, initial));
      return { y: restart(y, ops.parameter('initial.y')), z: restart(z, ops.parameter('initial.z')) };
    },
    /** One recursion: n latent updates, then one answer update. */
    latentRecursion(y: T, z: T, x: T): { y: T; z: T } {
      for (let step = 0; step < recursion.latentSteps; step++) z = net(z, ops.add(y, x));
      return { y: net(y, z), z };
    },
    /**
     * Answer logits [B, L, V], the halting logit [B] (read from the first prefix position) and, for
     * candidate models, a keep logit per candidate [B, L, V].
     */
    heads(y: T): { logits: T; qHalt: T; keepLogits?: T } {
      const cells = ops.slice(y, 1, prefix);
      const logits = ops.linear(cells, ops.parameter('head.answer'));
      const first = ops.reshape(ops.slice(y, 1, 0, 1), [-1, hidden]);
      const qHalt = ops.reshape(ops.add(ops.linear(first, ops.parameter('head.halt.weight')), ops.parameter('head.halt.bias')), [-1]);
      if (!readsCandidates(architecture)) return { logits, qHalt };
      const keepLogits = ops.add(ops.linear(cells, ops.parameter('head.keep.weight')), ops.parameter('head.keep.bias'));
      return { logits, qHalt, keepLogits };
    },
  };
}

export type TrmNetwork<T> = ReturnType<typeof createTrmNetwork<T>>;
