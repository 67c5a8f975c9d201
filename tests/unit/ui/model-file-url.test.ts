// Which model file the Models view's URL form loads, and what it says about an address it cannot load.
import { expect, test } from 'vitest';
import { modelFileSource } from '../../../src/ui/models/model-file-url';

const page = 'https://persona.example/app/#models';

test('resolves a path against the page and names the model after the file', () => {
  expect(modelFileSource(' /test-models/stories260K.gguf ', page)).toEqual({ id: 'stories260K', url: 'https://persona.example/test-models/stories260K.gguf' });
  expect(modelFileSource('https://models.example.org/q/Qwen%20Small.GGUF', page)).toEqual({ id: 'Qwen Small', url: 'https://models.example.org/q/Qwen%20Small.GGUF' });
});

test('says what is wrong with an address it cannot load', () => {
  expect(modelFileSource('', page)).toBe('Enter the address of a GGUF model file.');
  expect(modelFileSource('http://[bad', page)).toMatch(/is not a web address/);
  expect(modelFileSource('ftp://example.org/m.gguf', page)).toBe('Only http and https addresses can be loaded, not ftp:.');
  expect(modelFileSource('/models/readme.txt', page)).toMatch(/does not name a \.gguf file/);
});
