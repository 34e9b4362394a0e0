// Package edit is the model behind the request editor: one Request that the
// structured view (start line, header table, body) and the raw view (the
// wire text) both edit, kept in sync through Parse and Bytes.
//
// Bytes writes CRLF line ends, the headers in their order and case, and
// "Name: value" ("Name:" when the value is empty, as in the PTTH draft's
// "Host:"). With AutoLength on, Content-Length follows the body; with it
// off, the headers go out untouched so that peers can be tested against
// broken framing on purpose.
//
// A Request made by FromMessage remembers the bytes it was captured from:
// while nothing is edited, Bytes returns exactly those bytes, even where the
// capture's formatting (LF line ends, "Name:value") differs from what Bytes
// would write.
//
// # Files of several requests
//
// ParseMany reads several requests from one file (a ".http" file, as used by
// record --server --send FILE). The rule, exactly:
//
//  1. Lines end at LF; a CR before the LF belongs to the line end.
//  2. A line that begins with "###" separates requests; the rest of that line
//     is a comment. Separators are found first, so no body or header can hold
//     a line beginning with "###".
//  3. Between separators, requests follow one another. Before each start
//     line, blank lines and comment lines (beginning with "#" or "//") are
//     skipped. A part holding nothing else gives no request, so separators
//     may also open or close the file.
//  4. A request's head runs to its first empty line, or to the end of its
//     part. Its body follows from the head's framing, by rules 5 to 7.
//  5. Transfer-Encoding ending in chunked: the body is the chunked data
//     through the last chunk and the trailers' empty line, kept as written
//     (AutoLength off). Any other Transfer-Encoding is an error.
//  6. Content-Length: N: the body is exactly the next N bytes, an error if
//     fewer remain before the next separator or the end of the file. Several
//     Content-Length headers must agree.
//  7. Neither: there is no body when what follows, after blank and comment
//     lines, is the end of the part or a request line ("METHOD TARGET
//     HTTP/x.y" or "METHOD TARGET PTTH/x.y"). Otherwise the body is
//     everything after the empty line up to the next separator or the end of
//     the file, less its trailing CR and LF bytes, and AutoLength is on so
//     that Bytes adds the Content-Length.
//  8. What follows a request, after blank and comment lines, must be the next
//     request or the end of the part.
//
// So requests with correct framing may simply be concatenated, and
// hand-written requests whose bodies have no framing are separated by ###.
package edit
