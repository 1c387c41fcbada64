// What can go wrong with the registry, each with the HTTP status it answers with.
export { ObjectStoreUnavailableError } from '../ports/object-store.ts';

/** No such model, version or alias (404). */
export class ModelNotFoundError extends Error {
  override readonly name = 'ModelNotFoundError';
}

/** A request the registry refuses as asked, naming the field (400): an alias to a version that does not exist. */
export class ModelRequestError extends Error {
  override readonly name = 'ModelRequestError';
  readonly field: string;
  constructor(field: string, message: string) {
    super(`${field}: ${message}`);
    this.field = field;
  }
}

/** An artifact whose bytes are not the ones registered (tampered or corrupt): never loaded. */
export class ArtifactIntegrityError extends Error {
  override readonly name = 'ArtifactIntegrityError';
}
