/**
 * What the compiler hands to the VM: plain data, no heap references.
 * The VM's loader copies each prototype (recursively) into the managed heap.
 */

/** A constant of a function's constant pool. Deduplicated by the compiler (same kind and value). */
export type Constant =
  | { readonly kind: 'int'; readonly value: number } // i32
  | { readonly kind: 'double'; readonly value: number }
  | { readonly kind: 'string'; readonly value: string } // also used for names (globals, properties, methods, classes)
  | { readonly kind: 'function'; readonly proto: Prototype };

export const enum FunctionKind {
  Script,
  Function,
  Method,
  Initializer,
}

export interface Prototype {
  /** Function name as shown in `<fn name>` and stack traces; '' for the top-level script. */
  readonly name: string;
  readonly kind: FunctionKind;
  readonly arity: number;
  readonly upvalueCount: number;
  /** The bytecode (see opcodes.ts for the encoding). */
  readonly code: Uint8Array;
  /** Source line of each byte of `code` (same length as code). */
  readonly lines: Int32Array;
  readonly constants: readonly Constant[];
  /** Highest number of stack slots the function may use above its frame base (for stack checks). */
  readonly maxSlots: number;
  /** Inline-cache sites in `code` (operands of kind Operand.CACHE are 0 .. cacheSites - 1). */
  readonly cacheSites: number;
}

/** One compile-time diagnostic. Lines and columns are 1-based; columns count code points. */
export interface Diagnostic {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly message: string;
}

export interface CompileResult {
  /** Present only when there were no errors. */
  readonly script: Prototype | null;
  readonly errors: readonly Diagnostic[];
  /** Errors found beyond the first MAX_REPORTED_ERRORS (which are all `errors` holds). */
  readonly omitted?: number;
}
