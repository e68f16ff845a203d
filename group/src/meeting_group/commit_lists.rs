//! What a commit tells the server it does: the participants it adds, removes and expels.
//! The server acts on these lists (it closes an expelled participant's connection, and the
//! others then see it leave), so a member that could tell the server one thing and the
//! group another could have anyone disconnected for nothing, a chair included, and then
//! take the chair by succession. So the committer signs the lists into the commit's
//! authenticated data (RFC 9420 section 6.3: `authenticated_data` is covered by the
//! sender's signature), and every member checks that the server relayed the same lists
//! and that they are what the commit does (`policy::validation`).
//!
//! Encoding (fixed layout, every byte checked):
//!
//! ```text
//! magic     4 bytes  "CCL1"
//! 3 times (added, removed, expelled):
//!   count   u16 big-endian
//!   ids     count * u64 big-endian, strictly ascending
//! ```

use conclave_protocol::ParticipantId;

const MAGIC: &[u8; 4] = b"CCL1";
/// More participants than a room ever holds: a list longer than this is malformed.
const MAX_LIST_LEN: usize = 1_024;

/// The participants a commit adds, removes and expels, each list sorted and distinct.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(super) struct CommitLists {
    pub(super) added: Vec<ParticipantId>,
    pub(super) removed: Vec<ParticipantId>,
    pub(super) expelled: Vec<ParticipantId>,
}

/// The authenticated data does not hold well-formed lists.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct MalformedLists;

impl CommitLists {
    /// The lists, sorted and deduplicated (the server's relay may keep any order).
    pub(super) fn new(
        added: &[ParticipantId],
        removed: &[ParticipantId],
        expelled: &[ParticipantId],
    ) -> CommitLists {
        let canonical = |ids: &[ParticipantId]| {
            let mut ids = ids.to_vec();
            ids.sort_unstable();
            ids.dedup();
            ids
        };
        CommitLists {
            added: canonical(added),
            removed: canonical(removed),
            expelled: canonical(expelled),
        }
    }

    pub(super) fn encode(&self) -> Vec<u8> {
        let mut bytes = MAGIC.to_vec();
        for list in [&self.added, &self.removed, &self.expelled] {
            // `new` and `decode` keep every list far below u16::MAX.
            let count = u16::try_from(list.len()).unwrap_or(u16::MAX);
            bytes.extend_from_slice(&count.to_be_bytes());
            for id in list.iter().take(usize::from(count)) {
                bytes.extend_from_slice(&id.0.to_be_bytes());
            }
        }
        bytes
    }

    pub(super) fn decode(bytes: &[u8]) -> Result<CommitLists, MalformedLists> {
        let mut rest = bytes.strip_prefix(MAGIC.as_slice()).ok_or(MalformedLists)?;
        let mut lists: [Vec<ParticipantId>; 3] = Default::default();
        for list in &mut lists {
            let (count, tail) = rest.split_first_chunk::<2>().ok_or(MalformedLists)?;
            let count = usize::from(u16::from_be_bytes(*count));
            if count > MAX_LIST_LEN {
                return Err(MalformedLists);
            }
            rest = tail;
            for _ in 0..count {
                let (id, tail) = rest.split_first_chunk::<8>().ok_or(MalformedLists)?;
                let id = ParticipantId(u64::from_be_bytes(*id));
                if list.last().is_some_and(|last| *last >= id) {
                    return Err(MalformedLists);
                }
                list.push(id);
                rest = tail;
            }
        }
        if !rest.is_empty() {
            return Err(MalformedLists);
        }
        let [added, removed, expelled] = lists;
        Ok(CommitLists {
            added,
            removed,
            expelled,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(ids: &[u64]) -> Vec<ParticipantId> {
        ids.iter().copied().map(ParticipantId).collect()
    }

    #[test]
    fn lists_round_trip_in_canonical_order() {
        let lists = CommitLists::new(&ids(&[7, 3]), &ids(&[2, 2, 9]), &ids(&[9]));
        assert_eq!(lists.added, ids(&[3, 7]));
        assert_eq!(lists.removed, ids(&[2, 9]));
        assert_eq!(CommitLists::decode(&lists.encode()), Ok(lists));
        let empty = CommitLists::default();
        assert_eq!(CommitLists::decode(&empty.encode()), Ok(empty));
    }

    #[test]
    fn anything_else_is_malformed() {
        let good = CommitLists::new(&ids(&[1]), &ids(&[2, 3]), &ids(&[3])).encode();
        let mut cases: Vec<Vec<u8>> = vec![
            Vec::new(),
            b"CCL2".to_vec(),
            good[..good.len() - 1].to_vec(),
            [good.as_slice(), &[0]].concat(),
        ];
        // Unsorted: removed = [3, 2].
        let mut unsorted = good.clone();
        let removed_start = 4 + 2 + 8 + 2;
        unsorted[removed_start..removed_start + 16].rotate_left(8);
        cases.push(unsorted);
        // Duplicated: removed = [2, 2].
        let mut duplicated = good.clone();
        duplicated[removed_start + 15] = 2;
        cases.push(duplicated);
        // A count larger than any room.
        let mut huge = b"CCL1".to_vec();
        huge.extend_from_slice(&u16::MAX.to_be_bytes());
        cases.push(huge);
        for case in cases {
            assert_eq!(CommitLists::decode(&case), Err(MalformedLists), "{case:?}");
        }
    }
}
