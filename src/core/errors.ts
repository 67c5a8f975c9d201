// Named errors: each says what went wrong and what the user or host developer can do about it. Callers branch on
// `instanceof` or on `name`, which survives structured cloning across workers. Each name is a literal, not the
// class's own name: minifiers (ours and host developers') rename classes.

export class PersonaError extends Error {
  override name = 'PersonaError';
}

/** An event (or one event of a batch) failed validation; nothing of the batch was written. */
export class InvalidEventError extends PersonaError {
  override name = 'InvalidEventError';

  constructor(
    /** Path of the offending field, e.g. `events[3].metadata.tags`. */
    readonly field: string,
    readonly reason: string,
  ) {
    super(`Invalid event: ${field} ${reason}. Nothing was recorded.`);
  }
}

/** A value other than an event (a memory, a preference, a setting) was rejected at the store's boundary. */
export class InvalidInputError extends PersonaError {
  override name = 'InvalidInputError';

  constructor(
    readonly field: string,
    readonly reason: string,
  ) {
    super(`Invalid input: ${field} ${reason}. Nothing was changed.`);
  }
}

/**
 * The write did not fit: the browser refused it at the quota, or Persona did, short of it, to keep room for deletions
 * (store/storage-budget.ts). Nothing of the write was kept.
 */
export class QuotaExceededStorageError extends PersonaError {
  override name = 'QuotaExceededStorageError';

  constructor(options?: ErrorOptions) {
    super(
      'Storage is full: the write was refused and nothing of it was kept. ' +
        'Free space with the retention policy, delete old history, or export and wipe.',
      options,
    );
  }
}

/** Another tab upgraded or deleted the database; this connection was closed so it could proceed. */
export class StoreClosedError extends PersonaError {
  override name = 'StoreClosedError';

  constructor(reason = 'the store was closed') {
    super(`Persona's store is closed (${reason}). Reload the page to reopen it.`);
  }
}

/** The database on disk was written by a newer Persona than this one. */
export class StoreVersionError extends PersonaError {
  override name = 'StoreVersionError';

  constructor(
    readonly found: number,
    readonly supported: number,
  ) {
    super(`This data was written by a newer Persona (schema ${found}; this build reads up to ${supported}). Update the app.`);
  }
}

/** Segments of one vector space disagree (dimension or model), or a segment is malformed. */
export class SegmentIntegrityError extends PersonaError {
  override name = 'SegmentIntegrityError';
}

/** An import file is malformed; `line` is the 1-based NDJSON line (0 for the container itself). */
export class ImportFormatError extends PersonaError {
  override name = 'ImportFormatError';

  constructor(
    readonly line: number,
    readonly reason: string,
  ) {
    super(`Import rejected at line ${line}: ${reason}. Nothing was changed.`);
  }
}

/** An encrypted export was imported without a passphrase. */
export class PassphraseRequiredError extends PersonaError {
  override name = 'PassphraseRequiredError';

  constructor() {
    super('This export is encrypted: give the passphrase it was exported with to import it. Nothing was changed.');
  }
}

/** The passphrase does not open this encrypted export. */
export class WrongPassphraseError extends PersonaError {
  override name = 'WrongPassphraseError';

  constructor(what = 'this export could not be decrypted') {
    super(`Wrong passphrase: ${what}. Nothing was changed.`);
  }
}

/**
 * The user's data is locked (sealed at rest with their passphrase): it can be neither read nor written until
 * unlock(passphrase). Nothing was changed.
 */
export class LockedError extends PersonaError {
  override name = 'LockedError';

  constructor(what = 'this needs the data') {
    super(`Persona is locked: ${what}. Unlock it with the passphrase first; nothing was changed.`);
  }
}

/** An encrypted export failed its integrity check: it was altered, truncated or corrupted. */
export class TamperedExportError extends PersonaError {
  override name = 'TamperedExportError';

  constructor(detail: string, what = 'This encrypted export') {
    super(`${what} was altered or is incomplete (${detail}). Nothing was changed.`);
  }
}

/** The embedding model could not be loaded or is not the one expected (wrong id or dimension). */
export class EmbedderLoadError extends PersonaError {
  override name = 'EmbedderLoadError';
}

/** A chat or completion was asked of a backend with no model loaded. */
export class ModelNotLoadedError extends PersonaError {
  override name = 'ModelNotLoadedError';

  constructor(readonly backend: string) {
    super(`No model is loaded in the ${backend} backend: load one from the model manager first.`);
  }
}

/** The model has no build this backend can run (e.g. no GGUF for llama.cpp, no MLC build for web-llm). */
export class ModelUnsupportedError extends PersonaError {
  override name = 'ModelUnsupportedError';

  constructor(
    readonly model: string,
    readonly backend: string,
  ) {
    super(`The model ${model} has no build for the ${backend} backend: pick another model or another backend.`);
  }
}

/** A model file could not be downloaded (network, HTTP status, cut connection, or cancelled). Nothing bad was cached. */
export class ModelDownloadError extends PersonaError {
  override name = 'ModelDownloadError';

  constructor(
    readonly url: string,
    readonly reason: string,
    options?: ErrorOptions,
  ) {
    super(`Could not download the model file ${url}: ${reason}. Nothing was cached; check the model host setting and retry.`, options);
  }
}

/** The model's files were fetched but the runtime could not load them (corrupt, wrong format, out of memory). */
export class ModelLoadError extends PersonaError {
  override name = 'ModelLoadError';

  constructor(
    readonly model: string,
    readonly reason: string,
    options?: ErrorOptions,
  ) {
    super(`Could not load the model ${model}: ${reason}. Try a smaller model or another backend.`, options);
  }
}

/** Generation failed inside the runtime (context full, runtime error); the backend stays usable. */
export class GenerationError extends PersonaError {
  override name = 'GenerationError';

  constructor(
    readonly reason: string,
    options?: ErrorOptions,
  ) {
    super(`The model could not answer: ${reason}.`, options);
  }
}

/** WebGPU is missing or unusable for this model (no adapter, a software fallback, no shader-f16, too little memory). */
export class WebGPUUnavailableError extends PersonaError {
  override name = 'WebGPUUnavailableError';

  constructor(readonly reason: string) {
    super(`WebGPU cannot run this model here: ${reason}. Persona can answer with llama.cpp on the CPU (wllama) instead.`);
  }
}

/**
 * A worker Persona runs (the embedder, a local LLM) stopped in the middle of a request: it crashed, ran out of
 * memory, or was ended from outside. The request is lost; the next one starts a new worker.
 */
export class WorkerCrashedError extends PersonaError {
  override name = 'WorkerCrashedError';

  constructor(
    /** Which worker: 'embedder', 'wllama LLM', … */
    readonly worker: string,
    readonly reason: string,
  ) {
    super(`The ${worker} worker stopped (${reason}) and its request was lost. Persona starts a new one on the next request: try again.`);
  }
}

/**
 * A model file URL on a host this build does not allow: the app's Content-Security-Policy lets model files come only
 * from its own origin and the hosts named at build time, so the download could not even start.
 */
export class ModelHostNotAllowedError extends PersonaError {
  override name = 'ModelHostNotAllowedError';

  constructor(
    readonly url: string,
    /** The origin that is not allowed. */
    readonly origin: string,
    /** The build setting that lists the allowed hosts. */
    readonly setting: string,
    /** The hosts this build allows besides its own origin, comma-separated ('' for none). */
    readonly allowed: string,
  ) {
    super(
      `Model files from ${origin} are not allowed by this build: it downloads models only from its own site` +
        `${allowed ? ` and ${allowed}` : ''}. Add ${origin} to ${setting} when building the app, or host ${url} on this site.`,
    );
  }
}

/**
 * A message to Persona's isolated widget frame broke its protocol (src/widget/isolated/protocol.ts): not a Persona
 * request, an unknown method, arguments of the wrong shape, or over a size bound. The frame changed nothing.
 */
export class WidgetMessageError extends PersonaError {
  override name = 'WidgetMessageError';

  constructor(
    /** Path of the offending part of the message, e.g. `args[0][3].id`. */
    readonly field: string,
    readonly reason: string,
  ) {
    super(`Widget message rejected: ${field} ${reason}. Nothing was changed.`);
  }
}

/** Persona's isolated widget frame did not say it was ready in time: the page cannot talk to it. */
export class WidgetFrameTimeoutError extends PersonaError {
  override name = 'WidgetFrameTimeoutError';

  constructor(
    readonly frameOrigin: string,
    readonly timeoutMs: number,
    /** The frame build's setting that must list this page's origin. */
    readonly setting: string,
  ) {
    super(
      `Persona's widget frame at ${frameOrigin} did not answer within ${timeoutMs} ms. Check the frame URL, and that ` +
        `the frame was built with this page's origin in ${setting} (otherwise it refuses to be embedded here).`,
    );
  }
}

/** Persona's isolated widget frame went away (removed, reloaded or closed) while requests were pending or after. */
export class WidgetFrameGoneError extends PersonaError {
  override name = 'WidgetFrameGoneError';

  constructor(readonly reason: string) {
    super(`Persona's widget frame is gone (${reason}); the request was not answered. Connect again to go on.`);
  }
}

/**
 * The browser keeps no data for Persona's widget frame on this site: it blocks storage in frames from other sites
 * (as it does when third-party cookies are blocked, in private windows, and in some browsers always).
 */
export class StorageBlockedError extends PersonaError {
  override name = 'StorageBlockedError';

  constructor(readonly frameOrigin: string) {
    super(
      `This browser blocks storage for ${frameOrigin} when it is embedded in another site (third-party storage, as with ` +
        `blocked third-party cookies or a private window), so Persona's isolated widget cannot keep anything here. ` +
        `Use the widget's same-origin mode, or allow third-party cookies for ${frameOrigin}.`,
    );
  }
}
