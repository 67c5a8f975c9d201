// Encoders for the handful of ONNX messages a static-embedding model needs. Field numbers follow onnx/onnx.proto;
// anything this project does not write (sparse tensors, functions, training info, metadata) is left out.
import { ProtoWriter } from './protobuf.ts';

/** TensorProto.DataType values used here. */
export const DataType = { FLOAT: 1, INT8: 3, INT64: 7 } as const;
export type DataType = (typeof DataType)[keyof typeof DataType];

/** AttributeProto.AttributeType values used here. */
const AttributeType = { INT: 2, INTS: 7 } as const;

export interface Tensor {
  readonly name: string;
  readonly dataType: DataType;
  readonly dims: readonly number[];
  /** Little-endian element bytes, as TensorProto.raw_data stores them. */
  readonly raw: Uint8Array;
}

/** A dimension is a fixed size or a symbolic name such as "batch_size". */
export type Dim = number | string;

export interface ValueInfo {
  readonly name: string;
  readonly elemType: DataType;
  readonly shape: readonly Dim[];
}

export type Attribute = { readonly name: string } & ({ readonly int: number } | { readonly ints: readonly number[] });

export interface Node {
  readonly opType: string;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly name: string;
  readonly attributes?: readonly Attribute[];
}

export interface Graph {
  readonly name: string;
  readonly nodes: readonly Node[];
  readonly initializers: readonly Tensor[];
  readonly inputs: readonly ValueInfo[];
  readonly outputs: readonly ValueInfo[];
}

export interface Model {
  readonly irVersion: number;
  readonly opsetVersion: number;
  readonly producerName: string;
  readonly producerVersion: string;
  readonly docString: string;
  readonly graph: Graph;
}

function writeTensor(w: ProtoWriter, t: Tensor): void {
  w.ints(1, t.dims).int(2, t.dataType).string(8, t.name).bytes(9, t.raw);
}

function writeValueInfo(w: ProtoWriter, v: ValueInfo): void {
  w.string(1, v.name).message(2, (type) =>
    type.message(1, (tensorType) =>
      tensorType.int(1, v.elemType).message(2, (shape) => {
        for (const dim of v.shape) {
          shape.message(1, (d) => (typeof dim === 'number' ? d.int(1, dim) : d.string(2, dim)));
        }
      }),
    ),
  );
}

function writeAttribute(w: ProtoWriter, a: Attribute): void {
  w.string(1, a.name);
  if ('int' in a) w.int(3, a.int).int(20, AttributeType.INT);
  else w.ints(8, a.ints).int(20, AttributeType.INTS);
}

function writeNode(w: ProtoWriter, n: Node): void {
  for (const input of n.inputs) w.string(1, input);
  for (const output of n.outputs) w.string(2, output);
  w.string(3, n.name).string(4, n.opType);
  repeated(w, 5, n.attributes ?? [], writeAttribute);
}

/** Writes each item as an embedded message under `field`, in order. */
function repeated<T>(w: ProtoWriter, field: number, items: readonly T[], write: (w: ProtoWriter, item: T) => void): void {
  for (const item of items) {
    w.message(field, (m) => {
      write(m, item);
    });
  }
}

function writeGraph(w: ProtoWriter, g: Graph): void {
  repeated(w, 1, g.nodes, writeNode);
  w.string(2, g.name);
  repeated(w, 5, g.initializers, writeTensor);
  repeated(w, 11, g.inputs, writeValueInfo);
  repeated(w, 12, g.outputs, writeValueInfo);
}

/** Serialises a ModelProto. The default ("ai.onnx") operator domain is the only one imported. */
export function encodeModel(model: Model): Uint8Array {
  return new ProtoWriter()
    .int(1, model.irVersion)
    .string(2, model.producerName)
    .string(3, model.producerVersion)
    .string(6, model.docString)
    .message(7, (g) => {
      writeGraph(g, model.graph);
    })
    .message(8, (opset) => opset.string(1, '').int(2, model.opsetVersion))
    .finish();
}

/** Raw bytes of int64 values, little-endian whatever the host's byte order, as raw_data requires. */
export function int64Bytes(values: readonly number[]): Uint8Array {
  const out = new Uint8Array(values.length * 8);
  const view = new DataView(out.buffer);
  values.forEach((v, i) => {
    view.setBigInt64(i * 8, BigInt(v), true);
  });
  return out;
}

/** Raw bytes of float32 values, little-endian whatever the host's byte order. */
export function float32Bytes(values: Float32Array): Uint8Array {
  const out = new Uint8Array(values.length * 4);
  const view = new DataView(out.buffer);
  values.forEach((v, i) => {
    view.setFloat32(i * 4, v, true);
  });
  return out;
}
