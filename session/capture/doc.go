// Package capture reads and writes PTTH Inspector capture files (.ptthcap):
// an append-only log of session snapshots, exchange snapshots and every
// chunk of bytes that crossed the relay.
//
// # File layout (format version 2; version 1 is read too)
//
// All integers are little-endian. "uvarint"/"varint" are Go's
// encoding/binary varints (varint is zig-zag). A string is a uvarint byte
// length followed by the bytes. A time is an 8-byte int64 of Unix
// nanoseconds, math.MinInt64 standing for the zero time.Time; times come
// back in time.Local without a monotonic reading.
//
// The file starts with an 8-byte header: the magic "PTTHCAP" and a version
// byte (2). Records follow, each in a frame:
//
//	off size field
//	0   4    n: payload length (at most MaxRecord, 256 MiB)
//	4   1    kind: 'S' session, 'X' exchange, 'C' chunk, 'I' index
//	5   4    CRC-32C (Castagnoli) of bytes 0..4 followed by the payload
//	9   n    payload
//
// Payloads:
//
//	'I' index     uvarint session index, string session ID
//	'S' session   uvarint session index, string ID, Client, Upstream,
//	              time Started, Ended, byte State, byte hasFlip
//	              [time At, string Token, Exchange, varint Offset],
//	              hints, string Error
//	'C' chunk     uvarint session index, byte Side, time, then the bytes
//	'X' exchange  u32 metaLen, meta (metaLen bytes), request Raw, response Raw
//	  meta:       string ID, Session, varint Seq, byte Direction,
//	              byte Transport, message Request, message Response,
//	              string MessageID, strings Carriers, strings Carries,
//	              string ReplayOf, hints, string Error, byte flags (1 =
//	              Injected, 2 = Original); with Original also message
//	              Original (the request as its sender sent it, before an
//	              edit at a breakpoint) and its Raw bytes, inside meta
//	  message:    byte present (0: nil, nothing follows); byte flags
//	              (1 Chunked, 2 Truncated, 4 InChunks, 8 Earlier), string
//	              Method, Target, Proto, varint Status, string Reason,
//	              headers Headers, Trailers, uvarint len(Raw), varint
//	              HeadLen, varint BodyLen, time First, Last; with InChunks
//	              also uvarint session index, byte Side, uvarint back,
//	              uvarint skip; with Earlier also uvarint back
//	InChunks:     the message's Raw is not in the exchange record (it
//	              counts 0 bytes there) but in chunk records already
//	              written: starting with the chunk record that begins back
//	              bytes before this exchange record's frame, the payloads of
//	              that session and side's chunk records in file order, less
//	              the first skip bytes, len(Raw) bytes in all; records of
//	              other streams in between are stepped over.
//	Earlier:      the message's Raw is len(Raw) bytes in one piece, back
//	              bytes before this exchange record's frame (inside an
//	              earlier exchange record): a rewritten exchange does not
//	              copy a large message again. Version 1 has neither flag.
//	hints:        uvarint count, then string Code, Text, Exchange each
//	headers:      uvarint count, then string Name, Value each
//	strings:      uvarint count, then the strings
//
// The writer gives a session the next index (0, 1, …) when it first writes
// a session record for it; chunk records refer to it by that index. A chunk
// for a session never seen first gets an index record. Chunks over 16 MiB
// are split into several records. Empty slices come back nil, and a
// message's Raw longer than InlineRaw (64 KiB) comes back as a RawRef into
// the file. Records for one ID may repeat: the last one wins, which is the
// caller's business; Scan hands them over in file order. The Writer holds a
// small pending exchange snapshot (no response, no error) back until it
// next flushes and drops it when a newer snapshot of that exchange comes
// first, so most exchanges have a single record; held snapshots are
// written before any record that would otherwise overtake them, so each
// exchange's first record stays where it was first recorded.
//
// # Damage
//
// Scan never fails because of the file's contents, only on I/O errors. A
// frame whose header is invalid (unknown kind, n over MaxRecord), which runs
// past the end of the file, or whose CRC is wrong is skipped: Scan looks for
// the next offset holding a valid frame (sane header, in the file, right
// CRC) and carries on from there with a warning naming the offsets. When
// nothing valid follows, the tail is dropped with the warning "torn record at
// offset N skipped (file ends mid-record)" (a process killed mid-write) or
// "corrupt data from offset N to the end of the file skipped". A record with
// a good CRC that cannot be decoded, and a chunk naming an unknown session
// index, are skipped with a warning. After 20 warnings the rest are counted.
// Records whose handler is nil are skipped without reading their payload,
// so their CRC is not checked.
//
// The Writer buffers records and flushes them at least every FlushInterval
// (100 ms), so after the process is killed every record written a second
// earlier is in the file; it never calls fsync. Behind it, on Linux, a
// goroutine starts writeback of each full 8 MiB of the file and drops
// written pages from the page cache (see fileSink.writeback). Writer.Spool
// lets the dissector leave a message longer than 64 KiB in the chunk
// records it was recorded as; Exchange then writes it InChunks, so its
// bytes are on disk once and never all in memory.
package capture
