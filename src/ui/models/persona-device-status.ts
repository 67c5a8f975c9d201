// Which runtime would answer on this device and why, with the facts the choice rests on: WebGPU (a real GPU, a
// software fallback, or none), shader-f16, cores and threads, memory, storage and the browser's built-in model. Plain
// data in; the Models view detects and chooses.
import { css, html, LitElement, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { BackendChoice, DeviceCapabilities } from '../../index';
import { formatBytes } from '../format';
import { baseStyles } from '../theme';
import { RUNTIME_NAMES } from './runtime-names';

declare global {
  interface HTMLElementTagNameMap {
    'persona-device-status': PersonaDeviceStatus;
  }
}

@customElement('persona-device-status')
export class PersonaDeviceStatus extends LitElement {
  static override styles = [
    baseStyles,
    css`
      dl {
        display: grid;
        grid-template-columns: max-content 1fr;
        gap: 0.25rem 1rem;
        margin: 0.5rem 0 0;
      }
      dt {
        font-weight: 600;
      }
      dd {
        margin: 0;
        overflow-wrap: anywhere;
      }
      @media (max-width: 30rem) {
        dl {
          grid-template-columns: 1fr;
        }
        dd {
          margin-bottom: 0.25rem;
        }
      }
    `,
  ];

  @property({ attribute: false }) capabilities: DeviceCapabilities | undefined;
  @property({ attribute: false }) choice: BackendChoice | undefined;
  /** The model the choice was made for. */
  @property() model = '';

  override render() {
    const { capabilities, choice } = this;
    if (!capabilities || !choice) return html`<p role="status">Checking what this device can run…</p>`;
    const runtime = choice.backend ? RUNTIME_NAMES[choice.backend] : 'nothing on this device';
    return html`
      <p id="backend-choice"><strong>${this.model}</strong> would answer with ${runtime}.</p>
      <p id="backend-reason">${choice.reason}</p>
      <dl aria-label="This device">
        <dt>WebGPU</dt>
        <dd id="webgpu-state">${this.#describeGpu(capabilities)}</dd>
        <dt>CPU</dt>
        <dd>${capabilities.cores} cores; ${capabilities.crossOriginIsolated ? 'several threads (the page is cross-origin isolated)' : 'one thread (the page is not cross-origin isolated)'}</dd>
        <dt>Memory</dt>
        <dd>${this.#describeMemory(capabilities)}</dd>
        ${capabilities.storage
          ? html`<dt>Storage</dt><dd>${formatBytes(capabilities.storage.usageBytes)} used of ${formatBytes(capabilities.storage.quotaBytes)} this site may use</dd>`
          : nothing}
        <dt>Built-in model</dt>
        <dd>${capabilities.promptApi === 'unavailable' ? 'not offered by this browser' : capabilities.promptApi}</dd>
      </dl>
    `;
  }

  #describeGpu({ webgpu }: DeviceCapabilities): string {
    if (!webgpu.available) return `none: ${webgpu.reason}`;
    const name = [webgpu.vendor, webgpu.architecture].filter(Boolean).join(' ') || 'unnamed adapter';
    const kind = webgpu.fallback ? 'software fallback' : 'GPU';
    return `${kind} (${name}); shader-f16 ${webgpu.f16 ? 'yes' : 'no'}`;
  }

  #describeMemory({ deviceMemoryGiB, wasmMemory64 }: DeviceCapabilities): string {
    // Browsers round the figure down and stop at 8, so 8 means "8 or more".
    const total = deviceMemoryGiB === undefined ? 'not reported by this browser' : deviceMemoryGiB >= 8 ? 'at least 8 GiB' : `about ${deviceMemoryGiB} GiB`;
    return `${total}; ${wasmMemory64 ? 'models over 4 GiB can load (WebAssembly memory64)' : 'models up to about 3 GiB (32-bit WebAssembly)'}`;
  }
}
