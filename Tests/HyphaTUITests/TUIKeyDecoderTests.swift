@testable import HyphaTUI
import Testing
import Widgets

/// `wget_wch` results → keys, with the numbers ncurses 6 defines (octal, from curses.h), so a
/// wrong mapping cannot hide behind the same constant on both sides.
@Suite struct TUIKeyDecoderTests {
    private func key(_ code: UInt32) -> Key? { KeyDecoder.key(for: .character(code)) }
    private func function(_ code: Int32) -> Key? { KeyDecoder.key(for: .function(code)) }

    @Test func statusSelectsCharacterOrFunctionKey() {
        #expect(KeyDecoder.Input(status: 0, code: 0x61) == .character(0x61))
        #expect(KeyDecoder.Input(status: 0o400, code: 0o403) == .function(0o403))
        #expect(KeyDecoder.Input(status: -1, code: 0) == nil)
    }

    @Test func printableCharacters() {
        #expect(key(0x61) == .char("a"))
        #expect(key(0x20) == .char(" "))
        #expect(key(0xE9) == .char("é"))
        #expect(key(0x4F5C) == .char("作"))
    }

    @Test func controlCharacters() {
        #expect(key(0x0D) == .enter)
        #expect(key(0x0A) == .enter)
        #expect(key(0x09) == .tab)
        #expect(key(0x7F) == .backspace)
        #expect(key(0x08) == .backspace)
        #expect(key(0x1B) == .esc)
        #expect(key(0x01) == .ctrl("a"))
        #expect(key(0x13) == .ctrl("s"))
        #expect(key(0x17) == .ctrl("w"))
        // Nothing that could reach the screen as a control: NUL, C1 (CSI 0x9B), surrogates.
        #expect(key(0x00) == nil)
        #expect(key(0x9B) == nil)
        #expect(key(0xD800) == nil)
    }

    @Test func functionKeys() {
        #expect(function(0o403) == .up)
        #expect(function(0o402) == .down)
        #expect(function(0o404) == .left)
        #expect(function(0o405) == .right)
        #expect(function(0o406) == .home)
        #expect(function(0o550) == .end)
        #expect(function(0o523) == .pageUp)
        #expect(function(0o522) == .pageDown)
        #expect(function(0o407) == .backspace)
        #expect(function(0o512) == .delete)
        #expect(function(0o527) == .enter)
        #expect(function(0o541) == .backTab)
        #expect(function(0o632) == .resize)
        #expect(function(0o411) == .f(1))
        #expect(function(0o422) == .f(10))
        #expect(function(0o631) == nil)  // KEY_MOUSE: unused
    }

    @Test func escapeFollowedByACharacterInOneBatchIsAlt() {
        #expect(KeyDecoder.keys(from: [.character(0x1B), .character(0x62)]) == [.alt("b")])
        #expect(KeyDecoder.keys(from: [.character(0x1B)]) == [.esc])
        #expect(KeyDecoder.keys(from: [.character(0x1B), .character(0x1B)]) == [.esc, .esc])
        #expect(KeyDecoder.keys(from: [.character(0x1B), .function(0o403)]) == [.esc, .up])
        #expect(KeyDecoder.keys(from: [.character(0x71), .function(0o631), .character(0x0D)]) == [.char("q"), .enter])
    }

    @Test func aBracketedPasteIsOneKeyEvenAcrossReads() {
        var stream = KeyDecoder.Stream()
        let begin = KeyDecoder.Input.function(KeyDecoder.Code.pasteBegin)
        let end = KeyDecoder.Input.function(KeyDecoder.Code.pasteEnd)
        // "a", then a paste of "q\r\u{3}x" plus an arrow key sequence, split over two reads.
        #expect(stream.keys(from: [.character(0x61), begin, .character(0x71), .character(0x0D)]) == [.char("a")])
        #expect(stream.isPasting)
        #expect(stream.keys(from: [.character(0x03), .function(0o403), .character(0x78), end, .character(0x62)])
                == [.paste("q\n\u{3}x"), .char("b")])
        #expect(!stream.isPasting)
    }

    @Test func mouseReportsBecomeMouseKeys() {
        #expect(KeyDecoder.key(for: .mouse(button: 1, x: 3, y: 4)) == .mouse(MouseEvent(.press, x: 3, y: 4)))
        #expect(KeyDecoder.key(for: .mouse(button: 4, x: 0, y: 0)) == .mouse(MouseEvent(.wheelUp, x: 0, y: 0)))
        #expect(KeyDecoder.key(for: .mouse(button: 5, x: 0, y: 0)) == .mouse(MouseEvent(.wheelDown, x: 0, y: 0)))
        #expect(KeyDecoder.key(for: .mouse(button: 0, x: 0, y: 0)) == nil)
    }
}
