//! A join rehearsed in memory, so that the page's first real join runs warm code.
//!
//! Browsers compile WebAssembly lazily: a function is compiled the first time it runs. A
//! page joins a meeting once, so its one KeyPackage and its one Welcome (RFC 9420
//! sections 10 and 12.4.3) would pay for compiling openmls's code on the way, while the
//! person waits for the picture. [`rehearse_join`] runs the same steps beforehand (the
//! client calls it in the lobby): a throwaway member starts a group and adds a throwaway
//! joiner, with new identities and a random invite secret, through the same
//! [`MeetingGroup`] code and the same JSON encoding the server's messages take. Nothing of
//! it leaves this function: no message is sent, no key is handed out, and the group state
//! is dropped (and its secrets zeroized) at the end.

use conclave_protocol::{
    ClientMessage, GroupStatus, IceTransportPolicy, InvalidRoomId, MediaMode, ParticipantId,
    ParticipantInfo, RoomId, ServerMessage,
};
use openmls_rust_crypto::OpenMlsRustCrypto;
use openmls_traits::random::OpenMlsRand as _;
use openmls_traits::OpenMlsProvider as _;
use zeroize::Zeroizing;

use crate::{
    Admission, FrameSuite, GroupError, GroupEvent, Identity, MeetingConfig, MeetingGroup,
    MembershipStatus,
};

/// The rehearsal's room: any well-formed id; no server ever sees it.
const ROOM: &str = "RehearsalRehearsal0000";

/// Runs one whole join between two throwaway members in memory (see the module docs).
/// `Ok` once the joiner became a member; an error only means that the real join
/// compiles what the rehearsal did not reach.
pub fn rehearse_join(frame_suite: FrameSuite, now_ms: u64) -> Result<(), GroupError> {
    let room_id = RoomId::parse(ROOM)
        .map_err(|InvalidRoomId| GroupError::RehearsalStopped("its room id is malformed"))?;
    let secret: [u8; 32] = OpenMlsRustCrypto::default()
        .rand()
        .random_array()
        .map_err(GroupError::Random)?;
    let secret = Zeroizing::new(secret);
    let config = |display_name: &str| MeetingConfig {
        room_id: room_id.clone(),
        invite_secret: secret.clone(),
        display_name: display_name.to_owned(),
        frame_suite,
        // The guest is added as soon as its request verifies, as in an open meeting.
        admission: Admission::AnyoneWithLink,
        verification: Default::default(),
    };
    let (host, guest) = (ParticipantId(1), ParticipantId(2));
    let info = |id, _name: &str| ParticipantInfo { id };
    let mut host_group = MeetingGroup::new(Identity::generate()?, config("host"));
    let mut guest_group = MeetingGroup::new(Identity::generate()?, config("guest"));

    let joined = |you, participants, epoch, members, join_challenge| ServerMessage::Joined {
        you,
        participants,
        media_mode: MediaMode::Mesh,
        group: GroupStatus {
            epoch,
            members,
            join_challenge,
        },
        ice_servers: Vec::new(),
        ice_transport_policy: IceTransportPolicy::All,
        hold_token: None,
    };
    deliver(
        &mut host_group,
        now_ms,
        joined(host, vec![], None, vec![], None),
    )?;
    let Some(ClientMessage::SetJoinChallenge(challenge)) = deliver(
        &mut host_group,
        now_ms,
        ServerMessage::GroupStarted { by: host },
    )?
    else {
        return Err(GroupError::RehearsalStopped("no join challenge set"));
    };
    deliver(
        &mut host_group,
        now_ms,
        ServerMessage::ParticipantJoined {
            participant: info(guest, "guest"),
        },
    )?;
    let published = deliver(
        &mut guest_group,
        now_ms,
        joined(
            guest,
            vec![info(host, "host")],
            Some(0),
            vec![host],
            Some(challenge),
        ),
    )?;
    let Some(ClientMessage::PublishKeyPackage {
        key_package,
        invite_proof,
    }) = published
    else {
        return Err(GroupError::RehearsalStopped("no KeyPackage published"));
    };
    let committed = deliver(
        &mut host_group,
        now_ms,
        ServerMessage::KeyPackage {
            from: guest,
            key_package,
            invite_proof,
        },
    )?;
    let Some(ClientMessage::Commit {
        epoch,
        commit,
        welcome: Some(welcome),
        added,
        removed,
        ..
    }) = committed
    else {
        return Err(GroupError::RehearsalStopped("no commit with a Welcome"));
    };
    deliver(
        &mut host_group,
        now_ms,
        ServerMessage::Commit {
            from: host,
            epoch,
            commit,
            added,
            removed,
            expelled: Vec::new(),
        },
    )?;
    deliver(
        &mut guest_group,
        now_ms,
        ServerMessage::Welcome {
            from: host,
            epoch,
            welcome,
        },
    )?;
    match guest_group.roster().status {
        MembershipStatus::Member => Ok(()),
        _ => Err(GroupError::RehearsalStopped("the Welcome made no member")),
    }
}

/// Hands `message` to `group` as the client would (through its JSON form) and returns
/// the last message the group asked to send, through its JSON form too.
fn deliver(
    group: &mut MeetingGroup,
    now_ms: u64,
    message: ServerMessage,
) -> Result<Option<ClientMessage>, GroupError> {
    let message: ServerMessage = serde_json::to_string(&message)
        .and_then(|json| serde_json::from_str(&json))
        .map_err(GroupError::RehearsalJson)?;
    let mut sent = None;
    for event in group.handle_server_message(now_ms, &message) {
        if let GroupEvent::Send(message) = event {
            let json = serde_json::to_string(&message).map_err(GroupError::RehearsalJson)?;
            sent = Some(serde_json::from_str(&json).map_err(GroupError::RehearsalJson)?);
        }
    }
    Ok(sent)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rehearsed_joiner_becomes_a_member() {
        for suite in FrameSuite::ALL {
            rehearse_join(suite, 1_000).unwrap();
        }
    }
}
