package dev.bm3.data;

import dev.bm3.InvalidInputException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class IdMapTest {
    @Test
    void readsMmrecMapsWithEitherSeparatorAndColumnOrder(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("u.csv"), "user_id\tuserID\nA9\t1\nB7\t0\n");
        IdMap u = IdMap.read(dir.resolve("u.csv"), IdMap.USER_COLUMN, 2);
        assertEquals("B7", u.id(0));
        assertEquals(1, u.index("A9"));
        assertEquals(-1, u.index("nope"));
        Files.writeString(dir.resolve("i.csv"), "itemID,asin\n0,X\n1,Y\n\n");
        assertEquals("Y", IdMap.read(dir.resolve("i.csv"), IdMap.ITEM_COLUMN, 2).id(1));
        u.write(dir.resolve("w.tsv"), IdMap.USER_COLUMN, "user_id");
        assertEquals("A9", IdMap.read(dir.resolve("w.tsv"), IdMap.USER_COLUMN, 2).id(1));
    }

    @Test
    void rejectsMalformedMapsNamingFileAndLine(@TempDir Path dir) throws Exception {
        check(dir, "id\tindex\na\t0\n", 1, "f.csv:1: no column 'userID' in header: id\tindex");
        check(dir, "user_id\tuserID\na\t0\nb\t0\n", 2, "f.csv:3: userID 0 appears twice");
        check(dir, "user_id\tuserID\na\t0\na\t1\n", 2, "f.csv:3: external id 'a' maps to both 0 and 1");
        check(dir, "user_id\tuserID\na\t5\n", 2, "f.csv:2: userID 5 outside [0, 2)");
        check(dir, "user_id\tuserID\na\tx\n", 2, "f.csv:2: userID 'x' is not an integer");
        check(dir, "user_id\tuserID\na\t0\n", 2, "f.csv: has 1 ids, expected 2 (userID 1 has none)");
    }

    private static void check(Path dir, String text, int n, String expected) throws Exception {
        Path f = dir.resolve("f.csv");
        Files.writeString(f, text);
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> IdMap.read(f, IdMap.USER_COLUMN, n));
        assertEquals(dir + "/" + expected, e.getMessage());
    }
}
