package dev.bm3;

/**
 * Bad user input (a data file, a config key, a command-line value). The CLI maps it to exit code 2.
 * The message always names the source (file and line, key, or shape) and what was expected.
 */
public class InvalidInputException extends RuntimeException {
    public InvalidInputException(String message) {
        super(message);
    }

    public InvalidInputException(String message, Throwable cause) {
        super(message, cause);
    }

    /** A problem at a line of a text file; the message reads {@code file:line: problem}. */
    public static InvalidInputException at(java.nio.file.Path file, long line, String problem) {
        return new InvalidInputException(file + ":" + line + ": " + problem);
    }

    /** A problem with a whole file (a header, a shape); the message reads {@code file: problem}. */
    public static InvalidInputException in(java.nio.file.Path file, String problem) {
        return new InvalidInputException(file + ": " + problem);
    }
}
