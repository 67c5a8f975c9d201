// Selecting the best of a query's scores without sorting them, as WebAssembly functions any kernel module can
// include (each module over its own memory): the k-th largest score as a plain number, then the positions above it
// and at it. Ties at the bar are left to the caller, which orders them by id.
import { FunctionBuilder, Op, f64, i32, uleb } from './wasm-emitter';

/**
 * The k-th largest of scores[1..count] (1 ≤ k ≤ count), counting equal scores apart: a min-heap of the k largest
 * seen (in `heap`, k doubles), whose root is the answer; most scores fall under the root and cost one comparison.
 */
export function kthLargestKernel(): FunctionBuilder {
  const f = new FunctionBuilder('kthLargest', [i32, i32, i32, i32], [f64]);
  const [scores, count, k, heap] = [0, 1, 2, 3];
  const i = f.local(i32);
  const size = f.local(i32);
  const at = f.local(i32);
  const parent = f.local(i32);
  const child = f.local(i32);
  const score = f.local(f64);
  const other = f.local(f64);
  const root = f.local(f64);
  const heapAt = (index: number): void => {
    f.get(heap).get(index).const(3).op(Op.i32Shl).op(Op.i32Add);
  };
  // Fill: append each of the first k and sift it up.
  f.const(1).set(i);
  f.open(Op.block).open(Op.loop);
  f.get(size).get(k).op(Op.i32GeU).op(Op.brIf, uleb(1));
  f.get(scores).get(i).const(3).op(Op.i32Shl).op(Op.i32Add).mem(Op.f64Load, 3).set(score);
  f.get(i).const(1).op(Op.i32Add).set(i);
  f.get(size).set(at);
  f.get(size).const(1).op(Op.i32Add).set(size);
  f.open(Op.block).open(Op.loop);
  f.get(at).op(Op.i32Eqz).op(Op.brIf, uleb(1));
  f.get(at).const(1).op(Op.i32Sub).const(1).op(Op.i32ShrU).set(parent);
  heapAt(parent);
  f.mem(Op.f64Load, 3).tee(other).get(score).op(Op.f64Le).op(Op.brIf, uleb(1));
  heapAt(at);
  f.get(other).mem(Op.f64Store, 3);
  f.get(parent).set(at);
  f.op(Op.br, uleb(0));
  f.op(Op.end).op(Op.end);
  heapAt(at);
  f.get(score).mem(Op.f64Store, 3);
  f.op(Op.br, uleb(0));
  f.op(Op.end).op(Op.end);
  // The rest: a score above the root replaces it and sinks to its place.
  f.get(heap).mem(Op.f64Load, 3).set(root);
  f.open(Op.block).open(Op.loop);
  f.get(i).get(count).op(Op.i32GtU).op(Op.brIf, uleb(1));
  f.get(scores).get(i).const(3).op(Op.i32Shl).op(Op.i32Add).mem(Op.f64Load, 3).set(score);
  f.get(i).const(1).op(Op.i32Add).set(i);
  f.get(score).get(root).op(Op.f64Gt);
  f.open(Op.if);
  f.const(0).set(at);
  f.open(Op.block).open(Op.loop);
  f.get(at).const(1).op(Op.i32Shl).const(1).op(Op.i32Add).tee(child).get(size).op(Op.i32GeU).op(Op.brIf, uleb(1));
  heapAt(child);
  f.mem(Op.f64Load, 3).set(other);
  // The smaller child, when the right one exists and is smaller.
  f.get(child).const(1).op(Op.i32Add).get(size).op(Op.i32LtU);
  f.open(Op.if);
  heapAt(child);
  f.mem(Op.f64Load, 3, 8).tee(root).get(other).op(Op.f64Lt);
  f.open(Op.if);
  f.get(root).set(other);
  f.get(child).const(1).op(Op.i32Add).set(child);
  f.op(Op.end);
  f.op(Op.end);
  f.get(other).get(score).op(Op.f64Ge).op(Op.brIf, uleb(1));
  heapAt(at);
  f.get(other).mem(Op.f64Store, 3);
  f.get(child).set(at);
  f.op(Op.br, uleb(0));
  f.op(Op.end).op(Op.end);
  heapAt(at);
  f.get(score).mem(Op.f64Store, 3);
  f.get(heap).mem(Op.f64Load, 3).set(root);
  f.op(Op.end);
  f.op(Op.br, uleb(0));
  f.op(Op.end).op(Op.end);
  f.get(root);
  return f;
}

/**
 * Positions p in 1..count with scores[p] > bar go to `above` (as p + shift), those equal to it to `tied`, each in
 * position order; the tied count is stored at `tiedCount` and the above count returned. A caller whose scores are
 * numbered from 0 passes its array's address − 8 and shift −1.
 */
export function partitionKernel(): FunctionBuilder {
  const f = new FunctionBuilder('partition', [i32, i32, f64, i32, i32, i32, i32], [i32]);
  const [scores, count, bar, above, tied, tiedCount, shift] = [0, 1, 2, 3, 4, 5, 6];
  const p = f.local(i32);
  const nAbove = f.local(i32);
  const nTied = f.local(i32);
  const score = f.local(f64);
  f.const(1).set(p);
  f.open(Op.block).open(Op.loop);
  f.get(p).get(count).op(Op.i32GtU).op(Op.brIf, uleb(1));
  f.get(scores).get(p).const(3).op(Op.i32Shl).op(Op.i32Add).mem(Op.f64Load, 3).tee(score).get(bar).op(Op.f64Gt);
  f.open(Op.if);
  f.get(above).get(nAbove).const(2).op(Op.i32Shl).op(Op.i32Add).get(p).get(shift).op(Op.i32Add).mem(Op.i32Store, 2);
  f.get(nAbove).const(1).op(Op.i32Add).set(nAbove);
  f.op(Op.else);
  f.get(score).get(bar).op(Op.f64Eq);
  f.open(Op.if);
  f.get(tied).get(nTied).const(2).op(Op.i32Shl).op(Op.i32Add).get(p).get(shift).op(Op.i32Add).mem(Op.i32Store, 2);
  f.get(nTied).const(1).op(Op.i32Add).set(nTied);
  f.op(Op.end);
  f.op(Op.end);
  f.get(p).const(1).op(Op.i32Add).set(p);
  f.op(Op.br, uleb(0));
  f.op(Op.end).op(Op.end);
  f.get(tiedCount).get(nTied).mem(Op.i32Store, 2);
  f.get(nAbove);
  return f;
}
