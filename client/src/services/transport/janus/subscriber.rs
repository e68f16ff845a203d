//! The subscriber handle: one multistream subscription to everyone else's feeds. Feeds are
//! added one change at a time (feeds announced meanwhile wait for the next); Janus offers,
//! we answer with `start`. Every receiver gets its decrypting transform in `ontrack`,
//! labelled with its feed as an opaque [`crate::media_source::SfuStreamId`]: a feed names
//! a stream, not a person, and the session shows it under a member's name only once the
//! worker has decrypted it with that member's key. Also chooses the simulcast layer
//! received.

use std::cell::{Cell, RefCell};
use std::collections::{HashMap, HashSet};
use std::rc::Rc;

use gloo::timers::callback::Timeout;
use serde_json::Value;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::spawn_local;
use web_sys::{MediaStreamTrack, RtcPeerConnection, RtcRtpReceiver, RtcSdpType, RtcTrackEvent};

use super::api::{body, room_event, FeedId, JanusId, Jsep, Requests, RoomEvent};
use super::session::Link;
use super::{Janus, JanusError};
use crate::media_source::{MediaKind, MediaSource};
use crate::services::transport::webrtc::{
    create_local_description, protect_received_track, report_track, set_description,
};
use conclave_protocol::SfuAccess;

/// When a simulcast layer request is sent again: just over Janus' one key frame request
/// per second and stream (`janus_videoroom_reqpli`).
const SUBSTREAM_REQUEST_AGAIN_MS: u32 = 1_100;

/// The subscriber handle of one link and what it receives.
#[derive(Default)]
pub(super) struct Subscriber {
    /// Janus' handle, once attached.
    pub(super) handle: Cell<Option<JanusId>>,
    /// The peer connection that receives everyone's media.
    pub(super) connection: RefCell<Option<RtcPeerConnection>>,
    /// Feeds in the subscription, or asked for.
    subscribed: RefCell<HashSet<FeedId>>,
    /// Feeds to add once the current subscription change is answered.
    waiting_feeds: RefCell<Vec<FeedId>>,
    /// Whether a subscription change is under way.
    negotiating: Cell<bool>,
    /// The subscriber's m-lines: mid to feed and kind.
    streams: RefCell<HashMap<String, (FeedId, MediaKind)>>,
    /// The feed each protected receiver's transform was attached for.
    receivers: RefCell<Vec<(RtcRtpReceiver, FeedId)>>,
    /// The tracks received so far, per feed.
    received: RefCell<HashMap<FeedId, Vec<MediaStreamTrack>>>,
}

impl Subscriber {
    /// Detaches, fire and forget.
    pub(super) fn leave(&self, link: &Link, requests: &Requests) {
        if let Some(subscriber) = self.handle.get() {
            link.send(&requests.detach(&link.transaction(), subscriber));
        }
    }

    /// Asks for simulcast layer `substream` of every video stream received.
    fn request_substream(&self, link: &Link, substream: u8) {
        let Some(handle) = self.handle.get() else {
            return;
        };
        let mids: Vec<String> = self
            .streams
            .borrow()
            .iter()
            .filter(|(_, (_, kind))| *kind == MediaKind::Video)
            .map(|(mid, _)| mid.clone())
            .collect();
        for mid in mids {
            let transaction = link.transaction();
            let request = link.requests.borrow().message(
                &transaction,
                handle,
                body::choose_substream(&mid, substream),
                None,
            );
            link.send(&request);
        }
    }
}

impl Janus {
    /// Adds `feeds` to the subscription (joining as subscriber first if needed). Changes
    /// are made one at a time; feeds asked for meanwhile wait for the next one.
    pub(super) fn subscribe(&self, link: &Rc<Link>, feeds: Vec<FeedId>) {
        let subscriber = &link.subscriber;
        let fresh: Vec<FeedId> = {
            let mut subscribed = subscriber.subscribed.borrow_mut();
            feeds
                .into_iter()
                .filter(|feed| {
                    Some(*feed) != link.publisher.own_feed.get() && subscribed.insert(*feed)
                })
                .collect()
        };
        if fresh.is_empty() {
            return;
        }
        if subscriber.negotiating.replace(true) {
            subscriber.waiting_feeds.borrow_mut().extend(fresh);
            return;
        }
        let janus = self.clone();
        let link = Rc::clone(link);
        spawn_local(async move {
            let mut feeds = fresh;
            loop {
                if let Err(error) = janus.change_subscription(&link, &feeds).await {
                    link.subscriber.negotiating.set(false);
                    janus.connection_lost(link.generation, &error);
                    return;
                }
                feeds = std::mem::take(&mut *link.subscriber.waiting_feeds.borrow_mut());
                if feeds.is_empty() {
                    link.subscriber.negotiating.set(false);
                    return;
                }
            }
        });
    }

    async fn change_subscription(
        &self,
        link: &Rc<Link>,
        feeds: &[FeedId],
    ) -> Result<(), JanusError> {
        let Some(SfuAccess::Janus { room, pin, .. }) = self.inner.access.borrow().clone() else {
            return Ok(());
        };
        let (handle, request) = match link.subscriber.handle.get() {
            Some(handle) => (handle, body::subscribe(feeds)),
            None => {
                let handle = link.attach().await?;
                link.subscriber.handle.set(Some(handle));
                (handle, body::join_as_subscriber(room, &pin, feeds))
            }
        };
        let (data, offer) = link.plugin_request(handle, request, None).await?;
        if let Some(offer) = offer {
            self.answer_subscription(link, handle, &data, &offer)
                .await?;
        }
        // New feeds start at Janus' default layer: ask for the one chosen before.
        if let Some(substream) = self.inner.wanted_substream.get() {
            link.subscriber.request_substream(link, substream);
        }
        Ok(())
    }

    /// Applies Janus' offer for the subscription and answers it with `start`.
    async fn answer_subscription(
        &self,
        link: &Rc<Link>,
        handle: JanusId,
        data: &Value,
        offer: &Jsep,
    ) -> Result<(), JanusError> {
        if let RoomEvent::Subscription(streams) = room_event(data) {
            let mut known = link.subscriber.streams.borrow_mut();
            known.clear();
            for stream in streams {
                if let (Some(feed), Some(kind)) = (stream.feed, stream.kind) {
                    known.insert(stream.mid, (feed, kind));
                }
            }
        }
        let existing = link.subscriber.connection.borrow().clone();
        let connection = match existing {
            Some(connection) => connection,
            None => {
                let connection = self.peer_connection(link, handle)?;
                self.protect_subscription(link, &connection);
                connection
            }
        };
        // `ontrack` fires in here: each receiver gets its decrypting transform first.
        set_description(&connection, RtcSdpType::Offer, &offer.sdp, false).await?;
        let sdp = create_local_description(&connection, RtcSdpType::Answer).await?;
        let answer = Jsep {
            kind: "answer".into(),
            sdp,
        };
        link.plugin_request(handle, body::start(), Some(&answer))
            .await?;
        Ok(())
    }

    /// Puts every subscribed track behind the decrypting transform, labelled with its feed.
    fn protect_subscription(&self, link: &Rc<Link>, connection: &RtcPeerConnection) {
        let weak = Rc::downgrade(link);
        let e2ee = Rc::clone(&self.inner.e2ee);
        let events = self.inner.events.clone();
        let on_track = Closure::<dyn FnMut(RtcTrackEvent)>::new(move |event: RtcTrackEvent| {
            let Some(link) = weak.upgrade() else {
                return;
            };
            let subscriber = &link.subscriber;
            let track = event.track();
            let mid = event.transceiver().mid().unwrap_or_default();
            let Some((feed, kind)) = subscriber.streams.borrow().get(&mid).copied() else {
                // Not a stream Janus announced: never shown.
                track.stop();
                return;
            };
            let receiver = event.receiver();
            let attached_for = subscriber
                .receivers
                .borrow()
                .iter()
                .find(|(r, _)| *r == receiver)
                .map(|(_, f)| *f);
            if attached_for != Some(feed) {
                let source = MediaSource::SfuStream(feed.stream_id());
                if !protect_received_track(&e2ee, &events, &receiver, source, kind, &track) {
                    return;
                }
                let mut receivers = subscriber.receivers.borrow_mut();
                receivers.retain(|(r, _)| *r != receiver);
                receivers.push((receiver, feed));
            }
            let mut received = subscriber.received.borrow_mut();
            let feed_tracks = received.entry(feed).or_default();
            report_track(
                &events,
                MediaSource::SfuStream(feed.stream_id()),
                feed_tracks,
                track,
            );
        });
        connection.set_ontrack(Some(on_track.as_ref().unchecked_ref()));
        link.closures.borrow_mut().push(Box::new(on_track));
    }

    /// Events Janus sends on its own: feeds coming and going, subscription updates.
    pub(super) fn on_room_event(
        &self,
        link: &Rc<Link>,
        sender: JanusId,
        data: &Value,
        jsep: Option<Jsep>,
    ) {
        match room_event(data) {
            RoomEvent::Publishers(feeds) => self.subscribe(link, feeds),
            RoomEvent::FeedGone(feed) => {
                link.subscriber.subscribed.borrow_mut().remove(&feed);
                link.subscriber.received.borrow_mut().remove(&feed);
            }
            RoomEvent::Subscription(_) if link.subscriber.handle.get() == Some(sender) => {
                if let Some(offer) = jsep.filter(|jsep| jsep.kind == "offer") {
                    let janus = self.clone();
                    let link = Rc::clone(link);
                    let data = data.clone();
                    spawn_local(async move {
                        if let Err(error) = janus
                            .answer_subscription(&link, sender, &data, &offer)
                            .await
                        {
                            janus.connection_lost(link.generation, &error);
                        }
                    });
                }
            }
            _ => {}
        }
    }

    /// Asks Janus for simulcast layer `substream` of every video stream we receive
    /// (0 lowest, 2 highest), and once more 1.1 s later: Janus
    /// switches only on a key frame of the new layer, and drops (for good) the key frame
    /// request it would send the sender within a second of an earlier one, as right
    /// after someone subscribed. Asking again for the layer in use changes nothing.
    pub fn choose_substream(&self, substream: u8) {
        self.inner.wanted_substream.set(Some(substream));
        let Some(link) = self.current_link() else {
            return;
        };
        link.subscriber.request_substream(&link, substream);
        let weak = Rc::downgrade(&link);
        Timeout::new(SUBSTREAM_REQUEST_AGAIN_MS, move || {
            if let Some(link) = weak.upgrade() {
                link.subscriber.request_substream(&link, substream);
            }
        })
        .forget();
    }
}
