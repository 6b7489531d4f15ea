/**
 * Reads the float initializers of an ONNX model (ModelProto.graph.initializer), so a shipped
 * model's weights can be trained further (test-time adaptation) without a checkpoint file.
 * Handles what our exporter writes (raw_data) and float_data; other element types are skipped.
 */
export function readOnnxInitializers(bytes: Uint8Array): Map<string, { dims: number[]; data: Float32Array }> {
  const result = new Map<string, { dims: number[]; data: Float32Array }>();
  const model = fields(bytes);
  for (const graph of model.filter((field) => field.number === 7 && field.bytes)) {
    for (const tensor of fields(graph.bytes!).filter((field) => field.number === 5 && field.bytes)) {
      let name = '';
      let type = 0;
      const dims: number[] = [];
      let data: Float32Array | undefined;
      const floats: number[] = [];
      for (const field of fields(tensor.bytes!)) {
        if (field.number === 1) {
          if (field.bytes) dims.push(...packedVarints(field.bytes));
          else dims.push(Number(field.value));
        } else if (field.number === 2) type = Number(field.value);
        else if (field.number === 8) name = new TextDecoder().decode(field.bytes);
        else if (field.number === 9 && field.bytes) data = new Float32Array(new Uint8Array(field.bytes).buffer); // a copy of its own: a Node Buffer's slice shares its pool
        else if (field.number === 4) {
          if (field.bytes) {
            const view = new DataView(field.bytes.buffer, field.bytes.byteOffset, field.bytes.byteLength);
            for (let offset = 0; offset + 4 <= field.bytes.byteLength; offset += 4) floats.push(view.getFloat32(offset, true));
          } else if (field.float !== undefined) floats.push(field.float);
        }
      }
      if (type !== 1) continue; // float only
      result.set(name, { dims, data: data ?? Float32Array.from(floats) });
    }
  }
  return result;
}

interface Field {
  number: number;
  value?: bigint;
  bytes?: Uint8Array;
  float?: number;
}

function fields(bytes: Uint8Array): Field[] {
  const out: Field[] = [];
  let offset = 0;
  const varint = (): bigint => {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      if (offset >= bytes.length) throw new RangeError('truncated ONNX protobuf');
      const byte = bytes[offset++]!;
      result |= BigInt(byte & 0x7f) << shift;
      if ((byte & 0x80) === 0) return result;
      shift += 7n;
    }
  };
  while (offset < bytes.length) {
    const key = Number(varint());
    const number = key >>> 3;
    const wire = key & 7;
    if (wire === 0) out.push({ number, value: varint() });
    else if (wire === 2) {
      const length = Number(varint());
      if (offset + length > bytes.length) throw new RangeError('truncated ONNX protobuf');
      out.push({ number, bytes: bytes.subarray(offset, offset + length) });
      offset += length;
    } else if (wire === 5) {
      out.push({ number, float: new DataView(bytes.buffer, bytes.byteOffset + offset, 4).getFloat32(0, true) });
      offset += 4;
    } else if (wire === 1) offset += 8;
    else throw new RangeError(`unsupported protobuf wire type ${wire}`);
  }
  return out;
}

function packedVarints(bytes: Uint8Array): number[] {
  const values: number[] = [];
  let offset = 0;
  while (offset < bytes.length) {
    let result = 0;
    let scale = 1;
    for (;;) {
      const byte = bytes[offset++]!;
      result += (byte & 0x7f) * scale;
      if ((byte & 0x80) === 0) break;
      scale *= 128;
    }
    values.push(result);
  }
  return values;
}
