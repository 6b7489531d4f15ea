import { ProtobufWriter } from './protobuf-writer';

/** ONNX TensorProto.DataType values used here. */
export const OnnxType = { float: 1, int32: 6, int64: 7 } as const;
export type OnnxElementType = (typeof OnnxType)[keyof typeof OnnxType];

export type AttributeValue = number | number[] | string | { floats: number[] };

interface NodeSpec {
  opType: string;
  inputs: string[];
  outputs: string[];
  attributes: Record<string, AttributeValue>;
}

interface ValueSpec {
  name: string;
  type: OnnxElementType;
  /** Numbers are fixed sizes, strings are symbolic (e.g. 'batch'). */
  shape: (number | string)[];
}

interface Initializer {
  name: string;
  type: OnnxElementType;
  dims: number[];
  data: Float32Array | Int32Array | BigInt64Array;
}

/** Collects nodes and initializers, then serialises an ONNX ModelProto. */
export class OnnxGraphBuilder {
  private readonly nodes: NodeSpec[] = [];
  private readonly initializers = new Map<string, Initializer>();
  private readonly inputs: ValueSpec[] = [];
  private readonly outputs: ValueSpec[] = [];
  private counter = 0;

  fresh(hint: string): string {
    return `${hint}_${this.counter++}`;
  }

  input(name: string, type: OnnxElementType, shape: (number | string)[]) {
    this.inputs.push({ name, type, shape });
    return name;
  }

  output(name: string, type: OnnxElementType, shape: (number | string)[]) {
    this.outputs.push({ name, type, shape });
  }

  hasInitializer(name: string) {
    return this.initializers.has(name);
  }

  initializer(name: string, type: OnnxElementType, dims: number[], data: Float32Array | Int32Array | BigInt64Array) {
    if (!this.initializers.has(name)) this.initializers.set(name, { name, type, dims, data });
    return name;
  }

  int64s(values: number[]) {
    const name = `const_i64_${values.join('_').replace(/-/g, 'm')}`;
    return this.initializer(name, OnnxType.int64, [values.length], BigInt64Array.from(values.map(BigInt)));
  }

  scalar(value: number) {
    const name = `const_f32_${String(value).replace(/[^0-9a-zA-Z]/g, '_')}`;
    return this.initializer(name, OnnxType.float, [], Float32Array.of(value));
  }

  node(opType: string, inputs: string[], attributes: Record<string, AttributeValue> = {}, output?: string): string {
    const name = output ?? this.fresh(opType.toLowerCase());
    this.nodes.push({ opType, inputs, outputs: [name], attributes });
    return name;
  }

  /** Serialises to ModelProto bytes. */
  toBytes(options: { opset: number; producer: string; docString?: string; metadata?: Record<string, string> }): Uint8Array {
    const model = new ProtobufWriter();
    model.int(1, 8); // ir_version 8 (opset <= 18 era)
    model.string(2, options.producer);
    model.string(3, '0.1.0');
    model.message(7, (graph) => {
      this.nodes.forEach((node, index) =>
        graph.message(1, (writer) => {
          for (const input of node.inputs) writer.string(1, input);
          for (const output of node.outputs) writer.string(2, output);
          writer.string(3, `n${index}_${node.opType}`);
          writer.string(4, node.opType);
          for (const [name, value] of Object.entries(node.attributes)) writer.message(5, (attribute) => writeAttribute(attribute, name, value));
        }),
      );
      graph.string(2, 'trm_step');
      for (const initializer of this.initializers.values()) graph.message(5, (tensor) => writeTensor(tensor, initializer));
      if (options.docString) graph.string(10, options.docString);
      for (const input of this.inputs) graph.message(11, (value) => writeValueInfo(value, input));
      for (const output of this.outputs) graph.message(12, (value) => writeValueInfo(value, output));
    });
    model.message(8, (opset) => opset.string(1, '').int(2, options.opset));
    for (const [key, value] of Object.entries(options.metadata ?? {})) model.message(14, (entry) => entry.string(1, key).string(2, value));
    return model.finish();
  }
}

function writeAttribute(writer: ProtobufWriter, name: string, value: AttributeValue) {
  writer.string(1, name);
  if (typeof value === 'number') {
    if (Number.isInteger(value)) writer.int(3, value).int(20, 2);
    else writer.float(2, value).int(20, 1);
  } else if (typeof value === 'string') {
    writer.string(4, value).int(20, 3);
  } else if (Array.isArray(value)) {
    writer.packedInts(8, value).int(20, 7);
  } else {
    for (const float of value.floats) writer.float(7, float);
    writer.int(20, 6);
  }
}

function writeTensor(writer: ProtobufWriter, tensor: Initializer) {
  writer.packedInts(1, tensor.dims);
  writer.int(2, tensor.type);
  writer.string(8, tensor.name);
  const data = tensor.data;
  writer.bytes(9, new Uint8Array(data.buffer, data.byteOffset, data.byteLength).slice());
}

function writeValueInfo(writer: ProtobufWriter, value: ValueSpec) {
  writer.string(1, value.name);
  writer.message(2, (type) =>
    type.message(1, (tensorType) => {
      tensorType.int(1, value.type);
      tensorType.message(2, (shape) => {
        for (const dim of value.shape) shape.message(1, (d) => (typeof dim === 'number' ? d.int(1, dim) : d.string(2, dim)));
      });
    }),
  );
}
