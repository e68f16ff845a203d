use wasm_bindgen_futures::{spawn_local, JsFuture};
use web_sys::{HtmlVideoElement, MediaStream};
use yew::prelude::*;

/// Properties of [`VideoView`].
#[derive(Properties, PartialEq)]
pub struct VideoViewProps {
    /// What to play; nothing shows a dark frame.
    pub stream: Option<MediaStream>,
    /// Mute the element (always for one's own preview: no echo).
    pub muted: bool,
    /// Mirror the picture (one's own camera).
    #[prop_or_default]
    pub mirrored: bool,
    /// The speaker to play on (`None`: the default).
    #[prop_or_default]
    pub sink_id: Option<AttrValue>,
    /// Changes when a track of the stream was swapped (another device): the element is
    /// bound to the stream again.
    #[prop_or_default]
    pub revision: u64,
}

/// A `<video autoplay playsinline>` bound to a `MediaStream` (sound included).
#[function_component(VideoView)]
pub fn video_view(props: &VideoViewProps) -> Html {
    let node = use_node_ref();
    {
        let node = node.clone();
        let muted = props.muted;
        use_effect_with(
            (props.stream.clone(), props.revision),
            move |(stream, _)| {
                let video = node.cast::<HtmlVideoElement>();
                if let Some(video) = &video {
                    video.set_muted(muted);
                    video.set_src_object(stream.as_ref());
                    if stream.is_some() {
                        if let Ok(playing) = video.play() {
                            // Autoplay may be refused until the user interacts; the
                            // `autoplay` attribute retries on its own.
                            spawn_local(async move {
                                let _ = JsFuture::from(playing).await;
                            });
                        }
                    }
                }
                // Let go of the stream as soon as the element leaves the page (or shows another
                // stream): a removed `<video>` still bound to the camera holds capture buffers
                // until it is garbage-collected, and the camera froze for about 2 s for every
                // consumer, peer connections included (BENCHMARKS.md, "Where the join time went").
                move || {
                    if let Some(video) = video {
                        video.set_src_object(None);
                    }
                }
            },
        );
    }
    {
        let node = node.clone();
        use_effect_with(props.sink_id.clone(), move |sink_id| {
            if let (Some(video), Some(sink_id)) =
                (node.cast::<web_sys::HtmlMediaElement>(), sink_id)
            {
                crate::services::sound::play_on(&video, sink_id);
            }
        });
    }
    let class = classes!("video", props.mirrored.then_some("mirrored"));
    html! {
        <video ref={node} {class} autoplay=true playsinline=true muted={props.muted} />
    }
}
