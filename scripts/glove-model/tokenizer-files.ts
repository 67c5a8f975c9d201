// The JSON files transformers.js reads beside the ONNX graph: tokenizer.json (the @huggingface/tokenizers format),
// tokenizer_config.json and config.json.
import { SPECIAL_TOKENS, type VocabularyWord } from './vocabulary.ts';

/**
 * Longest input the tokenizer keeps, in tokens. A static embedding costs nothing per position, so this is far above
 * BERT's 512: a long note is averaged over its first 2,048 words, by which point its topic is settled.
 */
export const MAX_TOKENS = 2048;

function specialToken(id: number, content: string): Record<string, unknown> {
  return { id, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true };
}

function idOf(token: (typeof SPECIAL_TOKENS)[number]): number {
  return SPECIAL_TOKENS.indexOf(token);
}

/**
 * WordPiece with no "##" continuation pieces in the vocabulary acts as a whole-word lookup: a word is either in the
 * vocabulary or becomes [UNK] (tokenizers.js has no WordLevel model, WordPiece is what BERT tokenizers use).
 * BertNormalizer lower-cases and cleans control characters; accents are kept because GloVe has "café" and "cafe".
 * BertPreTokenizer splits on whitespace and punctuation. [CLS] … [SEP] wrap every text (see table.ts for why).
 */
export function tokenizerJson(words: readonly VocabularyWord[]): string {
  const vocab: Record<string, number> = {};
  SPECIAL_TOKENS.forEach((token, id) => (vocab[token] = id));
  words.forEach(({ word }, i) => (vocab[word] = SPECIAL_TOKENS.length + i));
  const cls = { id: '[CLS]', ids: [idOf('[CLS]')], tokens: ['[CLS]'] };
  const sep = { id: '[SEP]', ids: [idOf('[SEP]')], tokens: ['[SEP]'] };
  const tokenizer = {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: SPECIAL_TOKENS.map((t, id) => specialToken(id, t)),
    normalizer: { type: 'BertNormalizer', clean_text: true, handle_chinese_chars: true, strip_accents: false, lowercase: true },
    pre_tokenizer: { type: 'BertPreTokenizer' },
    post_processor: {
      type: 'TemplateProcessing',
      single: [{ SpecialToken: { id: '[CLS]', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }, { SpecialToken: { id: '[SEP]', type_id: 0 } }],
      pair: [
        { SpecialToken: { id: '[CLS]', type_id: 0 } },
        { Sequence: { id: 'A', type_id: 0 } },
        { SpecialToken: { id: '[SEP]', type_id: 0 } },
        { Sequence: { id: 'B', type_id: 1 } },
        { SpecialToken: { id: '[SEP]', type_id: 1 } },
      ],
      special_tokens: { '[CLS]': cls, '[SEP]': sep },
    },
    decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
    model: { type: 'WordPiece', unk_token: '[UNK]', continuing_subword_prefix: '##', max_input_chars_per_word: 100, vocab },
  };
  return JSON.stringify(tokenizer) + '\n';
}

export function tokenizerConfigJson(): string {
  const config = {
    tokenizer_class: 'BertTokenizer',
    do_lower_case: true,
    model_max_length: MAX_TOKENS,
    pad_token: '[PAD]',
    unk_token: '[UNK]',
    cls_token: '[CLS]',
    sep_token: '[SEP]',
    clean_up_tokenization_spaces: true,
  };
  return JSON.stringify(config, null, 2) + '\n';
}

/** transformers.js picks the model class from model_type; "bert" maps to BertModel, a plain encoder call. */
export function modelConfigJson(vocabSize: number, dim: number): string {
  const config = {
    model_type: 'bert',
    architectures: ['BertModel'],
    hidden_size: dim,
    vocab_size: vocabSize,
    max_position_embeddings: MAX_TOKENS,
    pad_token_id: idOf('[PAD]'),
  };
  return JSON.stringify(config, null, 2) + '\n';
}
