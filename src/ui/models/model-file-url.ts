// What the "model file from a URL" form loads: the address resolved against the page (so '/models/x.gguf' works),
// and a model id taken from the file's name, since a GGUF at a URL has no catalogue entry to name it.

export interface ModelFileSource {
  id: string;
  url: string;
}

/** The model file `input` names, or a sentence saying what is wrong with it. */
export function modelFileSource(input: string, base: string): ModelFileSource | string {
  const text = input.trim();
  if (text === '') return 'Enter the address of a GGUF model file.';
  let url: URL;
  try {
    url = new URL(text, base);
  } catch {
    return `“${text}” is not a web address. Enter one like /models/my-model.gguf or https://models.example.org/my-model.gguf.`;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return `Only http and https addresses can be loaded, not ${url.protocol}.`;
  const name = decodeURIComponent(url.pathname.split('/').pop() ?? '');
  if (!/\.gguf$/i.test(name)) return `${url.href} does not name a .gguf file: llama.cpp loads GGUF model files only.`;
  return { id: name.replace(/\.gguf$/i, ''), url: url.href };
}
