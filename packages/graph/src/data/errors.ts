/**
 * The typed input error of the graph package's readers (edge lists, node labels, SMILES tables) and of the
 * size checks made before anything large is allocated. It extends `RangeError` (what these readers threw
 * before), so `instanceof RangeError` still holds; a caller reacts to `code` and reads `file`/`line`.
 */
export type GraphDataErrorCode =
  /** A row that does not have the expected shape (`u v`, `node label`, a SMILES cell, a number). */
  | 'EBADROW'
  /** The file holds no rows. */
  | 'EEMPTY'
  /** A node index outside `[0, numNodes)` (index mode) or a node the edge list does not hold. */
  | 'ERANGE'
  /** A size over a stated bound (identity features, molecule atoms): refused before allocating. */
  | 'ETOOLARGE'
  /** Labels that do not make a classification task (fewer than two classes). */
  | 'ECLASSES';

export class GraphDataError extends RangeError {
  readonly code: GraphDataErrorCode;
  /** The file (or source name) at fault, when there is one. */
  readonly file?: string;
  /** Its 1-based line, when one row is at fault. */
  readonly line?: number;
  constructor(code: GraphDataErrorCode, message: string, where: { file?: string; line?: number } = {}) {
    super(message);
    this.name = 'GraphDataError';
    this.code = code;
    if (where.file !== undefined) this.file = where.file;
    if (where.line !== undefined) this.line = where.line;
  }
}
