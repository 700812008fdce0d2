/** src/vm: values, objects, the interpreter and natives. */
export { VM, type VMOptions, DEFAULT_MAX_FRAMES } from './vm';
export { Runtime } from './runtime';
export { MufiRuntimeError, ExitRequest, RuntimeError } from './errors';
export { formatDouble, formatFixed } from './number-format';
