//! A CSV body read in record-aligned chunks, so a file of any size is parsed a
//! few tens of megabytes at a time and never held whole in memory.

use std::io::Read;

/// A run of whole records.
#[derive(Debug)]
pub struct Chunk {
    pub bytes: Vec<u8>,
    /// The file line (1-based) the chunk's first record starts on.
    pub first_line: u32,
    /// Line breaks in `bytes`, quoted ones included.
    pub newlines: usize,
    /// The chunk ends the file.
    pub last: bool,
}

impl Chunk {
    /// Whether every record of the chunk is one line, given how many records it holds.
    pub fn one_line_records(&self, records: usize) -> bool {
        let unterminated = !self.bytes.is_empty() && self.bytes.last() != Some(&b'\n');
        self.newlines + usize::from(unterminated) == records
    }
}

/// Cuts a reader's bytes into chunks of about `target` bytes, each ending after
/// a line break outside quotes (a record boundary under RFC 4180: the quotes
/// before it are balanced). A record longer than `target` makes its chunk
/// longer; a last piece under `min_tail` bytes joins the chunk before it, so
/// the file's final records (a report footer) arrive together.
pub struct Chunker<R> {
    reader: R,
    /// Bytes the reader has still to give, as far as known.
    remaining: u64,
    carry: Vec<u8>,
    /// A chunk's buffer given back by [`Chunker::recycle`], filled again for
    /// the next chunk: its pages are not faulted and zeroed anew each time.
    spare: Vec<u8>,
    next_line: u32,
    target: usize,
    min_tail: usize,
    started: bool,
    done: bool,
}

impl<R: Read> Chunker<R> {
    /// `len`: the bytes the reader holds; `first_line`: the line its first record starts on.
    pub fn new(reader: R, len: u64, first_line: u32, target: usize, min_tail: usize) -> Self {
        Self {
            reader,
            remaining: len,
            carry: Vec::new(),
            spare: Vec::new(),
            next_line: first_line,
            target: target.max(1),
            min_tail,
            started: false,
            done: false,
        }
    }

    /// The next chunk; the first call always gives one (empty for an empty body).
    pub fn next_chunk(&mut self) -> std::io::Result<Option<Chunk>> {
        if self.done {
            return Ok(None);
        }
        let mut buf = std::mem::take(&mut self.spare);
        buf.clear();
        buf.extend_from_slice(&self.carry);
        self.carry.clear();
        let mut want = self.target;
        let (end, newlines, last) = loop {
            let mut eof = self.fill(&mut buf, want)?;
            if !eof && self.remaining < self.min_tail as u64 {
                eof = self.fill(&mut buf, usize::MAX)?;
            }
            if eof {
                let newlines = memchr::memchr_iter(b'\n', &buf).count();
                break (buf.len(), newlines, true);
            }
            match last_boundary(&buf) {
                Some((end, newlines)) => break (end, newlines, false),
                // One record longer than the chunk: read on.
                None => want = want.saturating_mul(2),
            }
        };
        self.carry.extend_from_slice(&buf[end..]);
        buf.truncate(end);
        self.done = last;
        if buf.is_empty() && self.started && last {
            return Ok(None);
        }
        self.started = true;
        let first_line = self.next_line;
        self.next_line = self
            .next_line
            .saturating_add(u32::try_from(newlines).unwrap_or(u32::MAX));
        Ok(Some(Chunk {
            bytes: buf,
            first_line,
            newlines,
            last,
        }))
    }

    /// Gives a chunk's bytes back once read, to hold the next chunk; not one
    /// grown far past the target by a long record (its memory is let go).
    pub fn recycle(&mut self, bytes: Vec<u8>) {
        let usual = self.target.saturating_mul(2).saturating_add(self.min_tail);
        if bytes.capacity() <= usual && bytes.capacity() > self.spare.capacity() {
            self.spare = bytes;
        }
    }

    /// Reads until `buf` holds `goal` bytes; true at the end of the input.
    /// The room is reserved once (growing by doubling copied the chunk each
    /// time), and the reads fill it without zeroing it first.
    fn fill(&mut self, buf: &mut Vec<u8>, goal: usize) -> std::io::Result<bool> {
        let known = usize::try_from(self.remaining).unwrap_or(usize::MAX);
        let room = goal.min(buf.len().saturating_add(known).saturating_add(1));
        buf.reserve(room.saturating_sub(buf.len()));
        while buf.len() < goal {
            let want = u64::try_from(goal - buf.len()).unwrap_or(u64::MAX);
            let n = (&mut self.reader).take(want).read_to_end(buf)?;
            self.remaining = self.remaining.saturating_sub(n as u64);
            if n == 0 {
                return Ok(true);
            }
        }
        Ok(false)
    }
}

/// The end (one past the line break) of the last complete record in `buf`, and
/// the line breaks before it; `None` when no line break falls outside quotes.
fn last_boundary(buf: &[u8]) -> Option<(usize, usize)> {
    let (mut quoted, mut newlines) = (false, 0usize);
    let mut found = None;
    for i in memchr::memchr2_iter(b'"', b'\n', buf) {
        if buf[i] == b'"' {
            quoted = !quoted;
        } else {
            newlines += 1;
            if !quoted {
                found = Some((i + 1, newlines));
            }
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(text: &[u8], target: usize) -> Vec<Chunk> {
        chunks_of(text, text.len(), target)
    }

    /// Every chunk of `reader` (`len` bytes), each buffer recycled for the
    /// next chunk as the loader does.
    fn chunks_of(reader: impl Read, len: usize, target: usize) -> Vec<Chunk> {
        let mut c = Chunker::new(reader, len as u64, 2, target, target / 4);
        let mut out = Vec::new();
        while let Some(chunk) = c.next_chunk().unwrap() {
            let copy = Chunk {
                bytes: chunk.bytes.clone(),
                ..chunk
            };
            c.recycle(chunk.bytes);
            out.push(copy);
        }
        out
    }

    #[test]
    fn chunks_end_at_record_boundaries_and_keep_line_numbers() {
        let text = b"1,a\n2,\"b\nstill b\"\n3,c\n4,\"d\"\"\n\"\n5,e\n";
        let chunks = all(text, 6);
        let joined: Vec<u8> = chunks.iter().flat_map(|c| c.bytes.clone()).collect();
        assert_eq!(joined, text);
        for c in &chunks {
            assert!(
                c.bytes.ends_with(b"\n"),
                "{:?}",
                String::from_utf8_lossy(&c.bytes)
            );
            // Every chunk starts with a record: its first field is a number.
            assert!(c.bytes[0].is_ascii_digit());
        }
        // Each record's first line, counted by hand: `2,"b\nstill b"` spans lines 3-4.
        let line_of = |first: u8| match first {
            b'1' => 2,
            b'2' => 3,
            b'3' => 5,
            b'4' => 6,
            _ => 8,
        };
        assert!(chunks.len() >= 3);
        for c in &chunks {
            assert_eq!(c.first_line, line_of(c.bytes[0]));
        }
        assert!(chunks.last().unwrap().last);
        let lines: usize = chunks.iter().map(|c| c.newlines).sum();
        assert_eq!(lines, 7);
    }

    /// Gives at most 3 bytes a read, and is interrupted once.
    struct Trickle<'a> {
        text: &'a [u8],
        interrupted: bool,
    }

    impl std::io::Read for Trickle<'_> {
        fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
            if !self.interrupted && self.text.len() > 4 {
                self.interrupted = true;
                return Err(std::io::ErrorKind::Interrupted.into());
            }
            let n = self.text.len().min(out.len()).min(3);
            out[..n].copy_from_slice(&self.text[..n]);
            self.text = &self.text[n..];
            Ok(n)
        }
    }

    #[test]
    fn short_and_interrupted_reads_give_the_same_chunks() {
        let text = b"1,a\n2,\"b\nstill b\"\n3,c\n4,\"d\"\"\n\"\n5,e\n";
        let parts = |chunks: Vec<Chunk>| -> Vec<_> {
            chunks
                .into_iter()
                .map(|c| (c.bytes, c.first_line, c.newlines, c.last))
                .collect()
        };
        for target in [1, 5, 8, 13, 64] {
            let reader = Trickle {
                text,
                interrupted: false,
            };
            assert_eq!(
                parts(chunks_of(reader, text.len(), target)),
                parts(all(text, target)),
                "target {target}"
            );
        }
    }

    #[test]
    fn a_small_last_piece_joins_the_chunk_before() {
        let text = b"aaaaaaaaa\nbbbbbbbbb\nc\n";
        let chunks = all(text, 12);
        assert_eq!(chunks.len(), 2);
        assert_eq!(chunks[1].bytes, b"bbbbbbbbb\nc\n");
        assert_eq!(chunks[1].first_line, 3);
    }

    #[test]
    fn an_empty_body_is_one_empty_chunk_and_an_unterminated_end_is_kept() {
        let chunks = all(b"", 8);
        assert_eq!(chunks.len(), 1);
        assert!(chunks[0].bytes.is_empty() && chunks[0].last);
        let chunks = all(b"1,a\n2,b", 1);
        let joined: Vec<u8> = chunks.iter().flat_map(|c| c.bytes.clone()).collect();
        assert_eq!(joined, b"1,a\n2,b");
        assert!(chunks.last().unwrap().one_line_records(1));
    }

    #[test]
    fn a_record_longer_than_the_target_stays_whole() {
        let record = format!("1,\"{}\n{}\"\n", "y".repeat(50), "z".repeat(50));
        let text = format!("{record}2,x\n");
        let chunks = all(text.as_bytes(), 8);
        assert!(chunks[0].bytes.starts_with(record.as_bytes()));
        assert_eq!(chunks.iter().map(|c| c.newlines).sum::<usize>(), 3);
    }
}
