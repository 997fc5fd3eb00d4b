import Testing
import RdmaKit
@testable import RdmaCommands

/// The text table's cells: whatever a sysfs value holds reaches the terminal escaped
/// (`terminalSafe`: control bytes as \xNN, bidirectional overrides as \u{…}), and the columns
/// line up on what is printed — a cell's width is that of its escaped form, in characters.
@Suite("TextTable")
struct TextTableTests {
    @Test func rowsEscapeAndMeasureWhatTheyPrint() {
        let cells = ["hfi1_0", "", "a\u{1b}[31mb\u{7}", "x\u{202e}y", "né", "0011:7501:0179:0000", "tab\there", "~"]
        let row = TextTable.Row(cells)
        #expect(row.cells == cells.map(terminalSafe))
        #expect(row.cells[2] == "a\\x1b[31mb\\x07")
        #expect(row.cells[3] == "x\\u{202e}y")
        // "né" is two characters in three bytes; every other cell here is printable ASCII.
        #expect(row.widths == [6, 0, 14, 10, 2, 19, 9, 1])
        #expect(row.widths == row.cells.map { $0.count })
    }

    @Test func columnsAlignOnEscapedWidths() {
        var table = TextTable(headers: ["NAME", "VALUE"])
        table.append(["a\u{1}", "x"])
        table.append(["né", "y"])
        // The first column is as wide as "a\x01" (five characters), then two spaces.
        #expect(table.render() == "NAME   VALUE\na\\x01  x\nné     y\n")
    }
}
