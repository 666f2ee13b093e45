package dev.bm3.data;

import dev.bm3.InvalidInputException;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * The parsed header of a NumPy {@code .npy} file.
 *
 * @param descr      the dtype string, e.g. {@code <f4}
 * @param shape      dimensions, outermost first (C order)
 * @param dataOffset byte offset of the first element in the file
 */
public record NpyHeader(String descr, long[] shape, long dataOffset) {

    /** Number of elements the shape declares; overflow is an error, not a wrap-around. */
    public long elementCount(Path file) {
        long n = 1;
        for (long d : shape) {
            try {
                n = Math.multiplyExact(n, d);
            } catch (ArithmeticException e) {
                throw InvalidInputException.in(file, "shape " + shapeString() + " is too large");
            }
        }
        return n;
    }

    /** The shape as Python prints it: {@code (3,)} or {@code (3, 4)}. */
    public String shapeString() {
        if (shape.length == 1) {
            return "(" + shape[0] + ",)";
        }
        StringBuilder s = new StringBuilder("(");
        for (int k = 0; k < shape.length; k++) {
            s.append(k == 0 ? "" : ", ").append(shape[k]);
        }
        return s.append(')').toString();
    }

    @Override
    public String toString() {
        return "NpyHeader[" + descr + ", " + shapeString() + ", data at " + dataOffset + "]";
    }

    /**
     * Parses the header dict, a Python literal such as
     * {@code {'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }}. Only what NumPy writes
     * is accepted: the three keys exactly once each, string/bool/int-tuple values.
     */
    static NpyHeader parse(Path file, String text, long dataOffset) {
        Map<String, Object> dict = new DictParser(file, text).parse();
        for (String key : new String[] {"descr", "fortran_order", "shape"}) {
            if (!dict.containsKey(key)) {
                throw InvalidInputException.in(file, "npy header lacks '" + key + "': " + text.strip());
            }
        }
        if (!(dict.get("descr") instanceof String descr)) {
            throw InvalidInputException.in(file, "unsupported dtype " + dict.get("descr")
                    + " (structured dtypes are not supported; expected one of <f2, <f4, <f8, <i4, <i8)");
        }
        if (!(dict.get("fortran_order") instanceof Boolean fortran)) {
            throw InvalidInputException.in(file, "npy header 'fortran_order' must be True or False");
        }
        if (fortran) {
            throw InvalidInputException.in(file, "Fortran-order arrays are not supported; save a C-order array "
                    + "(numpy.ascontiguousarray) instead");
        }
        if (!(dict.get("shape") instanceof long[] shape)) {
            throw InvalidInputException.in(file, "npy header 'shape' must be a tuple of integers");
        }
        return new NpyHeader(descr, shape, dataOffset);
    }

    /** A recursive-descent parser for the small Python-literal subset NumPy headers use. */
    private static final class DictParser {
        private final Path file;
        private final String s;
        private int pos;

        DictParser(Path file, String s) {
            this.file = file;
            this.s = s;
        }

        Map<String, Object> parse() {
            expect('{');
            Map<String, Object> dict = new HashMap<>();
            while (peek() != '}') {
                String key = string();
                expect(':');
                Object value = value();
                if (dict.put(key, value) != null) {
                    throw error("duplicate key '" + key + "'");
                }
                if (!key.equals("descr") && !key.equals("fortran_order") && !key.equals("shape")) {
                    throw error("unexpected key '" + key + "'");
                }
                if (peek() == ',') {
                    pos++;
                } else if (peek() != '}') {
                    throw error("expected ',' or '}'");
                }
            }
            pos++;
            skipSpace();
            if (pos != s.length()) {
                throw error("unexpected text after '}'");
            }
            return dict;
        }

        private Object value() {
            char c = peek();
            if (c == '\'' || c == '"') {
                return string();
            }
            if (c == '(') {
                return tuple();
            }
            if (s.startsWith("True", pos)) {
                pos += 4;
                return Boolean.TRUE;
            }
            if (s.startsWith("False", pos)) {
                pos += 5;
                return Boolean.FALSE;
            }
            if (c == '[') {
                return skipBracketed();
            }
            throw error("unexpected value");
        }

        /** Structured dtypes are lists; skip one so the caller can report an unsupported dtype. */
        private String skipBracketed() {
            int from = pos;
            int depth = 0;
            do {
                if (pos >= s.length()) {
                    throw error("unterminated '['");
                }
                char c = s.charAt(pos++);
                depth += c == '[' ? 1 : c == ']' ? -1 : 0;
            } while (depth > 0);
            return s.substring(from, pos) + " (structured)";
        }

        private long[] tuple() {
            expect('(');
            long[] dims = new long[4];
            int n = 0;
            while (peek() != ')') {
                int from = pos;
                // ASCII digits only: Character.isDigit would also take e.g. Arabic-Indic digits
                while (pos < s.length() && s.charAt(pos) >= '0' && s.charAt(pos) <= '9') {
                    pos++;
                }
                if (from == pos) {
                    throw error("expected a non-negative integer in the shape");
                }
                if (pos - from > 18) {
                    throw error("shape dimension " + s.substring(from, pos) + " is too large");
                }
                if (n == dims.length) {
                    dims = Arrays.copyOf(dims, n * 2);
                }
                dims[n++] = Long.parseLong(s, from, pos, 10);
                if (peek() == ',') {
                    pos++;
                } else if (peek() != ')') {
                    throw error("expected ',' or ')' in the shape");
                }
            }
            pos++;
            return Arrays.copyOf(dims, n);
        }

        private String string() {
            char quote = peek();
            if (quote != '\'' && quote != '"') {
                throw error("expected a quoted string");
            }
            int end = s.indexOf(quote, pos + 1);
            if (end < 0) {
                throw error("unterminated string");
            }
            String out = s.substring(pos + 1, end);
            pos = end + 1;
            return out;
        }

        private void expect(char c) {
            if (peek() != c) {
                throw error("expected '" + c + "'");
            }
            pos++;
        }

        private char peek() {
            skipSpace();
            if (pos >= s.length()) {
                throw error("header ends early");
            }
            return s.charAt(pos);
        }

        private void skipSpace() {
            while (pos < s.length() && Character.isWhitespace(s.charAt(pos))) {
                pos++;
            }
        }

        private InvalidInputException error(String problem) {
            return InvalidInputException.in(file, "bad npy header at character " + pos + ": " + problem
                    + " in " + s.strip());
        }
    }
}
