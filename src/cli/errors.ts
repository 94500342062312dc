/** Ends a command with exit code 1 after it has printed its own explanation. */
export class CommandFailed extends Error {
  readonly type = 'CommandFailed';
  constructor(message = '') {
    super(message);
    this.name = 'CommandFailed';
  }
}
