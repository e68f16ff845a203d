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
}

/// A `<video autoplay playsinline>` bound to a `MediaStream` (sound included).
#[function_component(VideoView)]
pub fn video_view(props: &VideoViewProps) -> Html {
    let node = use_node_ref();
    {
        let node = node.clone();
        let muted = props.muted;
        use_effect_with(props.stream.clone(), move |stream| {
            if let Some(video) = node.cast::<HtmlVideoElement>() {
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
        });
    }
    let class = classes!("video", props.mirrored.then_some("mirrored"));
    html! {
        <video ref={node} {class} autoplay=true playsinline=true muted={props.muted} />
    }
}
