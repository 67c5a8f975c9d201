// Which runtime answers on this device and why, with the facts the choice rests on: WebGPU (a real GPU, a software
// fallback, or none), shader-f16, threads, memory and storage. Plain data in; the app detects and chooses.
import { css, html, LitElement, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { BackendChoice, BackendKind, DeviceCapabilities } from '../index';

declare global {
  interface HTMLElementTagNameMap {
    'persona-device-status': PersonaDeviceStatus;
  }
}

const RUNTIME_NAMES: Record<BackendKind, string> = {
  'web-llm': 'web-llm on the GPU (WebGPU)',
  wllama: 'llama.cpp on the CPU (wllama)',
  'prompt-api': "the browser's built-in model",
};

function gib(bytes: number): string {
  return `${(bytes / 2 ** 30).toFixed(1)} GiB`;
}

@customElement('persona-device-status')
export class PersonaDeviceStatus extends LitElement {
  static override styles = css`
    :host {
      display: block;
    }
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
  `;

  @property({ attribute: false }) capabilities: DeviceCapabilities | undefined;
  @property({ attribute: false }) choice: BackendChoice | undefined;
  /** The model the choice was made for. */
  @property() model = '';

  override render() {
    const { capabilities, choice } = this;
    if (!capabilities || !choice) return html`<p>Checking what this device can run…</p>`;
    const runtime = choice.backend ? RUNTIME_NAMES[choice.backend] : 'nothing on this device';
    return html`
      <p id="backend-choice"><strong>${this.model}</strong> would answer with ${runtime}.</p>
      <p id="backend-reason">${choice.reason}</p>
      <dl aria-label="This device">
        <dt>WebGPU</dt>
        <dd id="webgpu-state">${this.#describeGpu(capabilities)}</dd>
        <dt>CPU threads</dt>
        <dd>${capabilities.cores} cores; ${capabilities.crossOriginIsolated ? 'threads enabled (cross-origin isolated)' : 'one thread (not cross-origin isolated)'}</dd>
        ${capabilities.deviceMemoryGiB === undefined ? nothing : html`<dt>Memory</dt><dd>${capabilities.deviceMemoryGiB >= 8 ? 'at least 8' : capabilities.deviceMemoryGiB} GiB</dd>`}
        ${capabilities.storage ? html`<dt>Storage</dt><dd>${gib(capabilities.storage.usageBytes)} used of ${gib(capabilities.storage.quotaBytes)} this site may use</dd>` : nothing}
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
}
