// Model hosts: PERSONA_MODEL_HOSTS expands presets to the hosts their downloads redirect to, refuses anything but
// bare origins, and the app refuses a model URL outside the list by name, naming the setting.
import { describe, expect, test } from 'vitest';
import { ModelHostNotAllowedError } from '../../../src/core/errors';
import { checkModelHost, MODEL_HOSTS_SETTING } from '../../../src/llm/model-hosts';
import { contentSecurityPolicy, MODEL_HOST_PRESETS, modelHostsFrom } from '../../../scripts/security-headers';

describe('modelHostsFrom', () => {
  test('expands presets, keeps origins, and lists each once', () => {
    const hosts = modelHostsFrom('huggingface, https://models.example.org/, huggingface');
    expect(hosts).toEqual([...(MODEL_HOST_PRESETS.huggingface ?? []), 'https://models.example.org']);
    // The hub's downloads redirect to its CDNs: the policy must allow those too.
    expect(hosts).toContain('https://cas-bridge.xethub.hf.co');
    expect(contentSecurityPolicy({ modelHosts: hosts })).toMatch(/connect-src 'self' https:\/\/huggingface\.co .*https:\/\/models\.example\.org;/);
  });

  test('an empty setting means the app origin only', () => {
    expect(modelHostsFrom(undefined)).toEqual([]);
    expect(modelHostsFrom(' , ')).toEqual([]);
  });

  test.each(['models.example.org', 'https://models.example.org/path', 'ftp://models.example.org', 'hugginface'])('refuses %s', (entry) => {
    expect(() => modelHostsFrom(entry)).toThrow(/PERSONA_MODEL_HOSTS/);
  });
});

describe('checkModelHost', () => {
  const own = 'https://app.example.net';

  test('allows the own origin, relative URLs, allowed hosts, and bytes already on the device', () => {
    for (const url of [`${own}/models/x.gguf`, '/models/x.gguf', 'https://models.example.org/x.gguf', 'blob:https://app.example.net/1234', 'data:application/octet-stream;base64,AA==']) {
      expect(() => { checkModelHost(url, ['https://models.example.org'], own); }).not.toThrow();
    }
  });

  test('refuses any other host by name, naming the setting to change', () => {
    let error: unknown;
    try {
      checkModelHost('https://evil.example.com/x.gguf', ['https://models.example.org'], own);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ModelHostNotAllowedError);
    expect(error).toMatchObject({ origin: 'https://evil.example.com', setting: MODEL_HOSTS_SETTING, allowed: 'https://models.example.org' });
    expect((error as Error).message).toContain('Add https://evil.example.com to PERSONA_MODEL_HOSTS');
  });
});
