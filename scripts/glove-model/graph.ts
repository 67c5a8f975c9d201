// The static-embedding graph: look each token up in an int8 table, dequantize with its row's scale, zero the
// padding, and mean-pool. Both the per-token states and the pooled vector are outputs:
//  - `last_hidden_state` [batch, seq, dim] is what transformers.js' feature-extraction pipeline reads; it pools
//    with `pooling: 'mean'` and the tokenizer's attention mask, then `normalize: true` makes unit vectors;
//  - `sentence_embedding` [batch, dim] is the same mean, for callers that run the ONNX session directly.
import { DataType, encodeModel, float32Bytes, int64Bytes, type Model, type Node } from './onnx.ts';

export interface QuantizedTable {
  readonly rows: number;
  readonly dim: number;
  /** rows × dim int8 values, row-major. */
  readonly values: Int8Array;
  /** One float scale per row: value × scale gives the original vector. */
  readonly scales: Float32Array;
}

// ONNX opset 17 is served by onnxruntime ≥ 1.12 (Node and web); IR version 8 is the one that goes with it.
const OPSET = 17;
const IR_VERSION = 8;

const BATCH = 'batch_size';
const SEQ = 'sequence_length';

function node(opType: string, inputs: string[], outputs: string[], attributes?: Node['attributes']): Node {
  return { opType, inputs, outputs, name: `${opType}_${outputs[0] ?? ''}`, ...(attributes ? { attributes } : {}) };
}

export function buildStaticEmbeddingModel(table: QuantizedTable, docString: string): Uint8Array {
  const nodes: Node[] = [
    node('Gather', ['embeddings_int8', 'input_ids'], ['token_int8'], [{ name: 'axis', int: 0 }]),
    node('Cast', ['token_int8'], ['token_raw'], [{ name: 'to', int: DataType.FLOAT }]),
    node('Gather', ['embedding_scales', 'input_ids'], ['token_scale'], [{ name: 'axis', int: 0 }]),
    node('Cast', ['attention_mask'], ['mask_2d'], [{ name: 'to', int: DataType.FLOAT }]),
    node('Unsqueeze', ['mask_2d', 'last_axis'], ['mask']),
    // Scale and mask are both [batch, seq, 1]: combine them before touching the [batch, seq, dim] tensor.
    node('Mul', ['token_scale', 'mask'], ['token_weight']),
    node('Mul', ['token_raw', 'token_weight'], ['last_hidden_state']),
    node('ReduceSum', ['last_hidden_state', 'sequence_axis'], ['summed'], [{ name: 'keepdims', int: 0 }]),
    node('ReduceSum', ['mask', 'sequence_axis'], ['token_count'], [{ name: 'keepdims', int: 0 }]),
    // A row of padding only would divide by zero; its sum is zero, so dividing by one gives zeros instead of NaN.
    node('Max', ['token_count', 'one'], ['safe_count']),
    node('Div', ['summed', 'safe_count'], ['sentence_embedding']),
  ];

  const model: Model = {
    irVersion: IR_VERSION,
    opsetVersion: OPSET,
    producerName: 'persona build-glove-model',
    producerVersion: '1',
    docString,
    graph: {
      name: 'persona_glove_static_embedding',
      nodes,
      initializers: [
        { name: 'embeddings_int8', dataType: DataType.INT8, dims: [table.rows, table.dim], raw: int8Bytes(table.values) },
        { name: 'embedding_scales', dataType: DataType.FLOAT, dims: [table.rows, 1], raw: float32Bytes(table.scales) },
        { name: 'last_axis', dataType: DataType.INT64, dims: [1], raw: int64Bytes([-1]) },
        { name: 'sequence_axis', dataType: DataType.INT64, dims: [1], raw: int64Bytes([1]) },
        { name: 'one', dataType: DataType.FLOAT, dims: [], raw: float32Bytes(Float32Array.of(1)) },
      ],
      inputs: [
        { name: 'input_ids', elemType: DataType.INT64, shape: [BATCH, SEQ] },
        { name: 'attention_mask', elemType: DataType.INT64, shape: [BATCH, SEQ] },
      ],
      outputs: [
        { name: 'last_hidden_state', elemType: DataType.FLOAT, shape: [BATCH, SEQ, table.dim] },
        { name: 'sentence_embedding', elemType: DataType.FLOAT, shape: [BATCH, table.dim] },
      ],
    },
  };
  return encodeModel(model);
}

function int8Bytes(values: Int8Array): Uint8Array {
  return new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
}
