// Every named error by its name, so an error thrown in a worker is rebuilt as the same class, with its fields, on
// the other side of a comlink call (see src/platform/named-error-transfer.ts). Keys are literals: minifiers rename
// classes, not object keys.
import {
  EmbedderLoadError,
  GenerationError,
  ImportFormatError,
  InvalidEventError,
  InvalidInputError,
  ModelDownloadError,
  ModelLoadError,
  ModelNotLoadedError,
  ModelUnsupportedError,
  PassphraseRequiredError,
  PersonaError,
  QuotaExceededStorageError,
  SegmentIntegrityError,
  StoreClosedError,
  StoreVersionError,
  TamperedExportError,
  WebGPUUnavailableError,
  WrongPassphraseError,
} from './errors';

export const NAMED_ERRORS: Readonly<Record<string, abstract new (...args: never[]) => PersonaError>> = {
  PersonaError,
  InvalidEventError,
  InvalidInputError,
  QuotaExceededStorageError,
  StoreClosedError,
  StoreVersionError,
  SegmentIntegrityError,
  ImportFormatError,
  PassphraseRequiredError,
  WrongPassphraseError,
  TamperedExportError,
  EmbedderLoadError,
  ModelNotLoadedError,
  ModelUnsupportedError,
  ModelDownloadError,
  ModelLoadError,
  GenerationError,
  WebGPUUnavailableError,
};
