import * as ort from 'onnxruntime-node';
import { type Architecture, type Recursion, createRandom, fullSequenceLength, readsCandidates } from '@trm/core';
import { type NodeDevice, createNodeSession } from '@trm/runtime-node';
import { buildCandidateTrainingGraph, candidateGraphNames } from '../autodiff/candidate-training-graph';
import { buildTrainingGraph, trainingGraphNames as names } from '../autodiff/training-graph';
import { CandidatePool, type CandidatePoolOptions, type CandidateRules } from './candidate-pool';
import { type ParameterValues, initializeParameters, trmParameterSpecs } from '../network/trm-parameters';
import { applyAdamW } from './adamw';
import { type DepthStage, recursionAtStep } from './depth-stages';
import { type OptimizerSettings, defaultOptimizerSettings, warmedUpLearningRate } from './optimizer-settings';
import { StreamingCarry } from './streaming-carry';
import type { TrainingDataSource } from './training-data-source';
import type { StepMetrics, TrainerState } from './trainer-state';

export interface OrtTrainerOptions {
  architecture: Architecture;
  recursion: Recursion;
  batchSize: number;
  optimizer?: Partial<OptimizerSettings>;
  seed: number;
  explorationProbability?: number;
  initial?: TrainerState;
  /**
   * The shared device words: 'auto' (default) trains on CUDA where onnxruntime-node's CUDA binaries
   * and an NVIDIA GPU work, else on the CPU; 'gpu' (or 'cuda') CUDA or a typed error; 'cpu'.
   */
  device?: NodeDevice;
  /** Threads a training step uses (default: onnxruntime's choice, all cores). */
  threads?: number;
  /**
   * Progressive recursion depth (CGAR, arXiv 2511.08653): shallower recursion for early steps,
   * which costs less while the network is still far off; `recursion` applies after the last stage.
   */
  depthStages?: readonly DepthStage[];
  /** The task's correctness in token space (tasks with several valid answers); see StreamingCarry. */
  judge?: (tokens: Int32Array, predicted: Int32Array) => boolean;
  /**
   * Candidate models (architecture.input 'candidates'): the task's rules in token space, and the
   * settings of the on-policy state pool the model trains on.
   */
  candidates?: { rules: CandidateRules } & Partial<Omit<CandidatePoolOptions, 'rules' | 'random' | 'batchSize' | 'length' | 'vocabulary'>>;
}

/**
 * The TRM trainer on onnxruntime: forward, loss and backward of one supervision step run as one
 * ONNX graph built from the same network description; AdamW and the EMA run in JS between runs.
 * Checkpoints are interchangeable with the tfjs trainer's.
 */
export class OrtTrmTrainer {
  readonly engine = 'ort';
  /** Where training runs, in the shared words (set when the first training graph loads). */
  device: 'cpu' | 'gpu' = 'cpu';
  readonly architecture: Architecture;
  readonly recursion: Recursion;
  readonly batchSize: number;
  readonly optimizer: OptimizerSettings;
  private readonly parameters: ParameterValues;
  private readonly ema: ParameterValues;
  private readonly firstMoment: ParameterValues;
  private readonly secondMoment: ParameterValues;
  private readonly decay = new Map<string, boolean>();
  private readonly carry: StreamingCarry;
  /** Candidate models train on this pool of their own states instead of the carry. */
  private readonly pool: CandidatePool | null;
  private y: ort.Tensor | null = null;
  private z: ort.Tensor | null = null;
  step = 0;
  wallSeconds = 0;

  /** The training graph of the current depth; a new stage replaces it (stages are not revisited). */
  private current: { key: string; session: ort.InferenceSession } | null = null;

  private constructor(
    private readonly options: OrtTrainerOptions,
    private readonly trainable: string[],
  ) {
    this.architecture = options.architecture;
    this.recursion = options.recursion;
    this.batchSize = options.batchSize;
    this.optimizer = { ...defaultOptimizerSettings, ...options.optimizer };
    const initial = options.initial;
    this.parameters = initial?.parameters ?? initializeParameters(this.architecture, options.seed);
    const copy = (values: ParameterValues) => new Map([...values].map(([name, value]) => [name, value.slice()]));
    const zeros = () => new Map(trainable.map((name) => [name, new Float32Array(this.parameters.get(name)!.length)]));
    this.ema = initial ? copy(initial.ema) : new Map(trainable.map((name) => [name, this.parameters.get(name)!.slice()]));
    this.firstMoment = initial ? copy(initial.firstMoment) : zeros();
    this.secondMoment = initial ? copy(initial.secondMoment) : zeros();
    for (const spec of trmParameterSpecs(this.architecture)) this.decay.set(spec.name, spec.decay);
    this.carry = StreamingCarry.forTrainer(options);
    this.pool = null;
    if (readsCandidates(this.architecture)) {
      if (!options.candidates) throw new Error('a candidate model trains with its task\'s rules (options.candidates)');
      const { rules, ...settings } = options.candidates;
      this.pool = new CandidatePool({
        ...settings,
        rules,
        random: createRandom(options.seed ^ 0xca4d),
        batchSize: this.batchSize,
        length: this.architecture.sequenceLength,
        vocabulary: this.architecture.vocabularySize,
      });
      this.pool.examples = options.initial?.examples ?? 0;
    }
    if (initial) {
      this.step = initial.step;
      this.wallSeconds = initial.wallSeconds;
    }
  }

  static async create(options: OrtTrainerOptions): Promise<OrtTrmTrainer> {
    const trainable = trmParameterSpecs(options.architecture).filter((spec) => spec.trainable).map((spec) => spec.name);
    const trainer = new OrtTrmTrainer(options, trainable);
    // Fail early (for example on a missing CUDA provider) rather than at the first step.
    await trainer.sessionFor(trainer.depthAt(trainer.step));
    return trainer;
  }

  /** The recursion trained at `step`: the depth stage's, else the model's own. */
  depthAt(step: number): Recursion {
    return recursionAtStep(this.recursion, this.options.depthStages, step);
  }

  private async sessionFor(recursion: Recursion): Promise<ort.InferenceSession> {
    const key = `${recursion.cycles}x${recursion.latentSteps}`;
    if (this.current?.key === key) return this.current.session;
    const build = this.pool ? buildCandidateTrainingGraph : buildTrainingGraph;
    const { bytes, trainable } = build({ architecture: this.architecture, recursion, batchSize: this.batchSize });
    if (trainable.join() !== this.trainable.join()) throw new Error('training graph parameters differ from the network parameters');
    // The runtime's device mapping (words to execution providers, typed errors), for training graphs too.
    const { session, device } = await createNodeSession(bytes, { device: this.options.device, threads: this.options.threads || undefined, label: `training graph ${key}` });
    this.device = device;
    if (this.current) void this.current.session.release();
    this.current = { key, session };
    return session;
  }

  get examples() {
    return this.pool ? this.pool.examples : this.carry.examples;
  }

  learningRateAt(step: number): number {
    return warmedUpLearningRate(this.optimizer, step);
  }

  /** Runs the graph on the current carry without updating anything (gradient checks use this). */
  async computeGradients(): Promise<{ gradients: Map<string, Float32Array>; outputs: ort.InferenceSession.OnnxValueMapType }> {
    const { batchSize } = this;
    const length = this.architecture.sequenceLength;
    const stateShape = [batchSize, fullSequenceLength(this.architecture), this.architecture.hiddenSize];
    const zeros = () => new ort.Tensor('float32', new Float32Array(stateShape.reduce((a, b) => a * b, 1)), stateShape);
    const feeds: Record<string, ort.Tensor> = this.pool ? this.candidateFeeds(this.pool) : {
      [names.tokens]: new ort.Tensor('int32', this.carry.tokens, [batchSize, length]),
      [names.labels]: new ort.Tensor('int32', this.carry.labels, [batchSize, length]),
      [names.finalLabels]: new ort.Tensor('int32', this.carry.finalLabels, [batchSize, length]),
      [names.puzzleIdentifiers]: new ort.Tensor('int32', this.carry.puzzleIdentifiers, [batchSize, 1]),
      [names.y]: this.y ?? zeros(),
      [names.z]: this.z ?? zeros(),
      [names.reset]: new ort.Tensor('float32', this.carry.reset, [batchSize, 1, 1]),
    };
    for (const spec of trmParameterSpecs(this.architecture)) {
      feeds[names.parameter(spec.name)] = new ort.Tensor('float32', this.parameters.get(spec.name)!, [...spec.shape]);
    }
    const session = await this.sessionFor(this.depthAt(this.step));
    const outputs = await session.run(feeds);
    const gradients = new Map(this.trainable.map((name) => [name, (outputs[names.gradient(name)] as ort.Tensor).data as Float32Array]));
    return { gradients, outputs };
  }

  private candidateFeeds(pool: CandidatePool): Record<string, ort.Tensor> {
    const { batchSize } = this;
    const length = this.architecture.sequenceLength;
    const maskShape = [batchSize, length, this.architecture.vocabularySize];
    const n = candidateGraphNames;
    return {
      [n.candidates]: new ort.Tensor('float32', pool.candidates, maskShape),
      [n.puzzleIdentifiers]: new ort.Tensor('int32', pool.puzzleIdentifiers, [batchSize, 1]),
      [n.keepTarget]: new ort.Tensor('float32', pool.keepTarget, maskShape),
      [n.keepWeight]: new ort.Tensor('float32', pool.keepWeight, maskShape),
      [n.labels]: new ort.Tensor('int32', pool.labels, [batchSize, length]),
      [n.cellWeight]: new ort.Tensor('float32', pool.cellWeight, [batchSize, length, 1]),
      [n.finalLabels]: new ort.Tensor('int32', pool.labels, [batchSize, length]),
    };
  }

  /** Fills refilled slots from `data` (exposed for tests that feed the same batch to two engines). */
  refill(data: TrainingDataSource) {
    if (this.pool) this.pool.refill(data);
    else this.carry.refill(data);
  }

  async trainStep(data: TrainingDataSource): Promise<StepMetrics> {
    if (this.pool) return this.candidateStep(this.pool, data);
    const started = performance.now();
    this.carry.refill(data);
    const { gradients, outputs } = await this.computeGradients();
    const learningRate = this.learningRateAt(this.step);
    applyAdamW({
      settings: this.optimizer,
      step: this.step,
      learningRate,
      parameters: this.parameters,
      gradients,
      firstMoment: this.firstMoment,
      secondMoment: this.secondMoment,
      ema: this.ema,
      decay: this.decay,
    });
    this.step++;
    this.y?.dispose();
    this.z?.dispose();
    this.y = outputs[names.yOut] as ort.Tensor;
    this.z = outputs[names.zOut] as ort.Tensor;
    const scalar = (name: string) => ((outputs[name] as ort.Tensor).data as Float32Array)[0]!;
    const crossEntropy = scalar(names.crossEntropy);
    const haltLoss = scalar(names.haltLoss);
    const halting = this.carry.advance(
      (outputs[names.qHalt] as ort.Tensor).data as Float32Array,
      (outputs[names.exact] as ort.Tensor).data as Float32Array,
      this.options.judge ? ((outputs[names.predictions] as ort.Tensor).data as BigInt64Array) : undefined,
    );
    const stepSeconds = (performance.now() - started) / 1000;
    this.wallSeconds += stepSeconds;
    return {
      step: this.step,
      examples: this.examples,
      loss: crossEntropy + 0.5 * haltLoss,
      crossEntropy,
      haltLoss,
      tokenAccuracy: scalar(names.tokenAccuracy),
      ...halting,
      learningRate,
      stepSeconds,
      samplesPerSecond: this.batchSize / stepSeconds,
    };
  }

  /** One optimizer step of a candidate model on its pool, then the pool advances on the step's outputs. */
  private async candidateStep(pool: CandidatePool, data: TrainingDataSource): Promise<StepMetrics> {
    const started = performance.now();
    pool.refill(data);
    const { gradients, outputs } = await this.computeGradients();
    const learningRate = this.learningRateAt(this.step);
    applyAdamW({ settings: this.optimizer, step: this.step, learningRate, parameters: this.parameters, gradients, firstMoment: this.firstMoment, secondMoment: this.secondMoment, ema: this.ema, decay: this.decay });
    this.step++;
    const n = candidateGraphNames;
    const scalar = (name: string) => ((outputs[name] as ort.Tensor).data as Float32Array)[0]!;
    const exact = (outputs[n.exact] as ort.Tensor).data as Float32Array;
    const advance = pool.advance((outputs[n.keepLogits] as ort.Tensor).data as Float32Array, (outputs[n.logits] as ort.Tensor).data as Float32Array);
    const stepSeconds = (performance.now() - started) / 1000;
    this.wallSeconds += stepSeconds;
    const keepLoss = scalar(n.keepLoss);
    const crossEntropy = scalar(n.crossEntropy);
    const haltLoss = scalar(n.haltLoss);
    return {
      step: this.step,
      examples: this.examples,
      loss: keepLoss + crossEntropy + 0.5 * haltLoss,
      crossEntropy,
      haltLoss,
      tokenAccuracy: scalar(n.tokenAccuracy),
      haltedExactAccuracy: exact.reduce((a, b) => a + b, 0) / exact.length,
      halted: 0,
      meanHaltSteps: null,
      acceptedOtherAnswers: 0,
      learningRate,
      stepSeconds,
      samplesPerSecond: this.batchSize / stepSeconds,
      candidates: { keepLoss, ...advance },
    };
  }

  parameterValues(which: 'ema' | 'live' = 'ema'): ParameterValues {
    const values: ParameterValues = new Map();
    for (const [name, value] of this.parameters) values.set(name, (which === 'ema' ? (this.ema.get(name) ?? value) : value).slice());
    return values;
  }

  state(): TrainerState {
    return {
      step: this.step,
      examples: this.examples,
      wallSeconds: this.wallSeconds,
      parameters: this.parameterValues('live'),
      ema: new Map([...this.ema].map(([name, value]) => [name, value.slice()])),
      firstMoment: new Map([...this.firstMoment].map(([name, value]) => [name, value.slice()])),
      secondMoment: new Map([...this.secondMoment].map(([name, value]) => [name, value.slice()])),
    };
  }

  dispose() {
    this.y?.dispose();
    this.z?.dispose();
    if (this.current) void this.current.session.release();
    this.current = null;
  }
}
