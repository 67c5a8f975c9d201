// One way to say how far a download or a model load has come, whichever reported it: a model file download
// (DownloadProgress) and a model load (ModelLoadProgress, which downloads first) carry the same facts.
import type { ModelLoadProgress } from '../../llm/chat-backend';
import { formatBytes, formatDuration } from '../format';

/** What a download and a load have in common: ModelLoadProgress without its phase. */
export type TransferProgress = Omit<ModelLoadProgress, 'phase'>;

/** '12 MB of 400 MB (3%) · 2.1 MB/s · 3 min 5 s left', leaving out whatever is not known. */
export function describeTransfer(progress: TransferProgress): string {
  const parts: string[] = [];
  const percent = Number.isFinite(progress.fraction) ? ` (${Math.floor(Math.min(1, Math.max(0, progress.fraction)) * 100)}%)` : '';
  if (progress.loadedBytes !== undefined) {
    const total = progress.totalBytes === undefined ? '' : ` of ${formatBytes(progress.totalBytes)}`;
    parts.push(`${formatBytes(progress.loadedBytes)}${total}${percent}`);
  } else if (progress.text) {
    parts.push(`${progress.text}${percent}`);
  } else {
    parts.push(percent.trim().replace(/[()]/g, '') || 'Starting');
  }
  if (progress.bytesPerSecond !== undefined && progress.bytesPerSecond > 0) parts.push(`${formatBytes(progress.bytesPerSecond)}/s`);
  if (progress.etaSeconds !== undefined && Number.isFinite(progress.etaSeconds)) parts.push(`${formatDuration(progress.etaSeconds)} left`);
  return parts.join(' · ');
}
