import * as tf from '@tensorflow/tfjs';
import type { Architecture, Recursion } from '@trm/core';
import { createTrmNetwork } from '../network/trm-network';
import { type ParameterValues, initializeParameters, trmParameterSpecs } from '../network/trm-parameters';
import { createTfjsOps } from '../tfjs/tfjs-ops';
import { binaryCrossEntropyWithLogits, stableMaxCrossEntropy } from './losses';
import { type OptimizerSettings, defaultOptimizerSettings, warmedUpLearningRate } from './optimizer-settings';
import { StreamingCarry } from './streaming-carry';
import type { TrainingDataSource } from './training-data-source';
import type { StepMetrics, TrainerState } from './trainer-state';

/**
 * The TRM deep-supervision trainer on tfjs. Each optimizer step runs one supervision step for every
 * slot of the batch (the reference's streaming carry): slots keep their y/z between optimizer
 * steps, and a slot that halts (q_halt > 0 or the step bound) is refilled with a new example.
 * The first T-1 recursions run without gradients, the last one with them.
 */
export class TfjsTrmTrainer {
  readonly architecture: Architecture;
  readonly recursion: Recursion;
  readonly batchSize: number;
  readonly optimizer: OptimizerSettings;
  private readonly variables = new Map<string, tf.Variable>();
  private readonly fixed = new Map<string, tf.Tensor>();
  private readonly ema = new Map<string, tf.Variable>();
  private readonly firstMoment = new Map<string, tf.Variable>();
  private readonly secondMoment = new Map<string, tf.Variable>();
  private readonly decay = new Map<string, boolean>();
  private readonly network;
  private y: tf.Tensor | null = null;
  private z: tf.Tensor | null = null;
  private readonly carry: StreamingCarry;
  private readonly judge?: (tokens: Int32Array, predicted: Int32Array) => boolean;
  step = 0;
  wallSeconds = 0;

  get examples() {
    return this.carry.examples;
  }

  constructor(options: {
    architecture: Architecture;
    recursion: Recursion;
    batchSize: number;
    optimizer?: Partial<OptimizerSettings>;
    seed: number;
    /** Probability that a new slot gets a random minimum of 2..N_sup steps before it may halt. */
    explorationProbability?: number;
    initial?: TrainerState;
    /** The task's correctness in token space (tasks with several valid answers); see StreamingCarry. */
    judge?: (tokens: Int32Array, predicted: Int32Array) => boolean;
  }) {
    this.architecture = options.architecture;
    this.recursion = options.recursion;
    this.batchSize = options.batchSize;
    this.optimizer = { ...defaultOptimizerSettings, ...options.optimizer };
    const initial = options.initial;
    const values = initial?.parameters ?? initializeParameters(this.architecture, options.seed);
    for (const spec of trmParameterSpecs(this.architecture)) {
      const value = values.get(spec.name);
      if (!value) throw new Error(`missing parameter ${spec.name}`);
      const tensor = tf.tensor(value, spec.shape as number[]);
      if (spec.trainable) {
        this.variables.set(spec.name, tf.variable(tensor, true, spec.name));
        const zeros = () => tf.zeros(spec.shape as number[]);
        this.ema.set(spec.name, tf.variable(initial ? tf.tensor(initial.ema.get(spec.name)!, spec.shape as number[]) : tensor.clone(), false));
        this.firstMoment.set(spec.name, tf.variable(initial ? tf.tensor(initial.firstMoment.get(spec.name)!, spec.shape as number[]) : zeros(), false));
        this.secondMoment.set(spec.name, tf.variable(initial ? tf.tensor(initial.secondMoment.get(spec.name)!, spec.shape as number[]) : zeros(), false));
        this.decay.set(spec.name, spec.decay);
        tensor.dispose();
      } else {
        this.fixed.set(spec.name, tensor);
      }
    }
    this.carry = StreamingCarry.forTrainer(options);
    this.judge = options.judge;
    if (initial) {
      this.step = initial.step;
      this.wallSeconds = initial.wallSeconds;
    }
    const all = new Map<string, tf.Tensor>([...this.variables, ...this.fixed]);
    this.network = createTrmNetwork(createTfjsOps(all), this.architecture, this.recursion);
  }

  /** Fills refilled slots from `data` (exposed for tests that feed the same batch to two engines). */
  refill(data: TrainingDataSource) {
    this.carry.refill(data);
  }

  /**
   * Forward and backward of one supervision step on the current carry, without updating
   * anything. The caller owns (and disposes) every returned tensor.
   */
  computeGradients() {
    const { batchSize, carry } = this;
    const length = this.architecture.sequenceLength;
    const positions = this.architecture.puzzleEmbeddingLength + length;
    const hidden = this.architecture.hiddenSize;
    const tokens = tf.tensor2d(carry.tokens, [batchSize, length], 'int32');
    const labels = tf.tensor2d(carry.labels, [batchSize, length], 'int32');
    const finalLabels = tf.tensor2d(carry.finalLabels, [batchSize, length], 'int32');
    const puzzleIdentifiers = tf.tensor2d(carry.puzzleIdentifiers, [batchSize, 1], 'int32');
    const reset = tf.tensor3d(carry.reset, [batchSize, 1, 1]);
    const previousY = this.y ?? tf.zeros([batchSize, positions, hidden]);
    const previousZ = this.z ?? tf.zeros([batchSize, positions, hidden]);

    // The first T-1 recursions: no gradient, as in the reference.
    const [startY, startZ] = tf.tidy(() => {
      const x = this.network.embedInputs(tokens, puzzleIdentifiers);
      let state = this.network.resetState(previousY, previousZ, reset);
      for (let cycle = 0; cycle < this.recursion.cycles - 1; cycle++) state = this.network.latentRecursion(state.y, state.z, x);
      return [state.y, state.z];
    });

    let outputs: { y: tf.Tensor; z: tf.Tensor; logits: tf.Tensor; qHalt: tf.Tensor; crossEntropy: tf.Tensor; haltLoss: tf.Tensor; exact: tf.Tensor; correct: tf.Tensor } | undefined;
    const trainable = [...this.variables.values()];
    const { value: loss, grads } = tf.variableGrads(() => {
      const x = this.network.embedInputs(tokens, puzzleIdentifiers);
      const { y, z } = this.network.latentRecursion(startY, startZ, x);
      const { logits, qHalt } = this.network.heads(y);
      const crossEntropy = tf.mean(stableMaxCrossEntropy(logits, labels, this.architecture.vocabularySize));
      const correct = tf.equal(tf.argMax(logits, -1), finalLabels);
      const exact = tf.cast(tf.all(correct, -1), 'float32');
      // The halting target is data, not a function of the weights: read it out so no gradient flows.
      const haltLoss = tf.mean(binaryCrossEntropyWithLogits(qHalt, tf.tensor1d(exact.dataSync() as Float32Array)));
      outputs = { y, z, logits, qHalt, crossEntropy, haltLoss, exact, correct };
      for (const value of Object.values(outputs)) tf.keep(value);
      return tf.add(crossEntropy, tf.mul(haltLoss, 0.5)) as tf.Scalar;
    }, trainable);
    for (const tensor of [startY, startZ, tokens, labels, finalLabels, puzzleIdentifiers, reset]) tensor.dispose();
    if (this.y !== previousY) previousY.dispose();
    if (this.z !== previousZ) previousZ.dispose();
    return { loss, grads, outputs: outputs! };
  }

  /** Runs one optimizer step (one supervision step for every slot). */
  trainStep(data: TrainingDataSource): StepMetrics {
    const started = performance.now();
    const carry = this.carry;
    carry.refill(data);
    const { loss, grads, outputs } = this.computeGradients();
    this.y?.dispose();
    this.z?.dispose();
    const learningRate = this.learningRateAt(this.step);
    this.applyAdamW(grads, learningRate);
    for (const gradient of Object.values(grads)) gradient.dispose();
    this.step++;

    const out = outputs;
    this.y = out.y;
    this.z = out.z;
    const qHalt = out.qHalt.dataSync();
    const exact = out.exact.dataSync();
    const predictions = this.judge ? tf.tidy(() => tf.argMax(out.logits, -1).dataSync()) : undefined;
    const tokenAccuracy = tf.tidy(() => tf.mean(tf.cast(out.correct, 'float32')).dataSync()[0]);
    const metrics = {
      loss: loss.dataSync()[0],
      crossEntropy: out.crossEntropy.dataSync()[0],
      haltLoss: out.haltLoss.dataSync()[0],
    };
    for (const tensor of [loss, out.logits, out.qHalt, out.crossEntropy, out.haltLoss, out.exact, out.correct]) tensor.dispose();

    const halting = carry.advance(qHalt, exact, predictions);
    const stepSeconds = (performance.now() - started) / 1000;
    this.wallSeconds += stepSeconds;
    return {
      step: this.step,
      examples: this.examples,
      ...metrics,
      tokenAccuracy,
      ...halting,
      learningRate,
      stepSeconds,
      samplesPerSecond: this.batchSize / stepSeconds,
    };
  }

  learningRateAt(step: number): number {
    return warmedUpLearningRate(this.optimizer, step);
  }

  private applyAdamW(grads: tf.NamedTensorMap, learningRate: number) {
    const { beta1, beta2, epsilon, weightDecay, gradientClip, emaDecay } = this.optimizer;
    const t = this.step + 1;
    const emaRate = Math.min(emaDecay, (1 + this.step) / (10 + this.step));
    tf.tidy(() => {
      let clip = tf.scalar(1);
      if (gradientClip > 0) {
        const squares = Object.values(grads).map((gradient) => tf.sum(tf.square(gradient)));
        const norm = tf.sqrt(tf.addN(squares));
        clip = tf.minimum(1, tf.div(gradientClip, tf.add(norm, 1e-6)));
      }
      for (const [name, variable] of this.variables) {
        const gradient = tf.mul(grads[name], clip);
        const m = this.firstMoment.get(name)!;
        const v = this.secondMoment.get(name)!;
        m.assign(tf.add(tf.mul(m, beta1), tf.mul(gradient, 1 - beta1)));
        v.assign(tf.add(tf.mul(v, beta2), tf.mul(tf.square(gradient), 1 - beta2)));
        const update = tf.div(tf.div(m, 1 - beta1 ** t), tf.add(tf.sqrt(tf.div(v, 1 - beta2 ** t)), epsilon));
        const decayed = this.decay.get(name) ? tf.mul(variable, 1 - learningRate * weightDecay) : variable;
        variable.assign(tf.sub(decayed, tf.mul(update, learningRate)));
        const average = this.ema.get(name)!;
        average.assign(tf.add(tf.mul(average, emaRate), tf.mul(variable, 1 - emaRate)));
      }
    });
  }

  /** Parameter values; `ema` selects the averaged copy that is evaluated and shipped. */
  parameterValues(which: 'ema' | 'live' = 'ema'): ParameterValues {
    const values: ParameterValues = new Map();
    for (const spec of trmParameterSpecs(this.architecture)) {
      const tensor = spec.trainable ? (which === 'ema' ? this.ema : this.variables).get(spec.name)! : this.fixed.get(spec.name)!;
      values.set(spec.name, tensor.dataSync() as Float32Array);
    }
    return values;
  }

  state(): TrainerState {
    const read = (source: Map<string, tf.Variable>) => new Map([...source].map(([name, tensor]) => [name, tensor.dataSync() as Float32Array]));
    return {
      step: this.step,
      examples: this.examples,
      wallSeconds: this.wallSeconds,
      parameters: this.parameterValues('live'),
      ema: read(this.ema),
      firstMoment: read(this.firstMoment),
      secondMoment: read(this.secondMoment),
    };
  }

  dispose() {
    for (const map of [this.variables, this.fixed, this.ema, this.firstMoment, this.secondMoment]) for (const tensor of map.values()) tensor.dispose();
    this.y?.dispose();
    this.z?.dispose();
  }
}
