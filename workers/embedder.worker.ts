// Thin host: transformers.js embeddings in a module worker, exposed with comlink. onnxruntime-web's files are
// bundled and served by the app itself, never fetched from a CDN.
import { expose } from 'comlink';
import ortMjs from 'onnxruntime-web/ort-wasm-simd-threaded.asyncify.mjs?url';
import ortWasm from 'onnxruntime-web/ort-wasm-simd-threaded.asyncify.wasm?url';
import { EmbedderHost } from '../src/embed/embedder-host';

expose(new EmbedderHost({ wasm: ortWasm, mjs: ortMjs }));
