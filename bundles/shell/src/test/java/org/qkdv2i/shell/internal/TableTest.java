package org.qkdv2i.shell.internal;

import static org.junit.Assert.assertEquals;

import org.junit.Test;

public class TableTest {

    @Test
    public void alignsTextLeftAndNumbersRight() {
        String out = new Table("NODE", "KEYS").row("A", 5).row("LONGNAME", 12345).render("none");
        assertEquals(""
                + "NODE       KEYS\n"
                + "--------  -----\n"
                + "A             5\n"
                + "LONGNAME  12345\n", out);
    }

    @Test
    public void missingValuesShowAsDashAndKeepColumnNumeric() {
        String out = new Table("X", "N").row("a", null).row("b", 7).render("none");
        assertEquals("X  N\n-  -\na  -\nb  7\n", out);
    }

    @Test
    public void emptyTableRendersTheEmptyMessage() {
        assertEquals("nothing here\n", new Table("A").render("nothing here"));
    }

    @Test
    public void newlinesInCellsCannotBreakTheLayout() {
        String out = new Table("REASON").row("line1\nline2").render("none");
        assertEquals("REASON\n-----------\nline1 line2\n", out);
    }

    @Test(expected = IllegalArgumentException.class)
    public void rowWithWrongNumberOfCellsIsRejected() {
        new Table("A", "B").row("only one");
    }
}
