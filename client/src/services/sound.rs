//! Sound output: which speaker plays the meeting (`setSinkId`, where the browser has it)
//! and the lobby's test tone.

use gloo::timers::callback::Timeout;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{AudioContext, HtmlMediaElement, OscillatorNode};

/// How long the test tone lasts, in milliseconds.
const TEST_TONE_MS: u32 = 700;
/// Its pitch, in hertz (A4: clearly audible, not shrill).
const TEST_TONE_HZ: f32 = 440.0;

/// Whether this browser lets a page choose the speaker (`HTMLMediaElement.setSinkId`).
pub fn speaker_choice_supported() -> bool {
    web_sys::window()
        .and_then(|window| js_sys::Reflect::get(&window, &"HTMLMediaElement".into()).ok())
        .and_then(|class| js_sys::Reflect::get(&class, &"prototype".into()).ok())
        .and_then(|prototype| js_sys::Reflect::get(&prototype, &"setSinkId".into()).ok())
        .is_some_and(|method| method.is_function())
}

/// Plays `element` on the speaker `sink_id` (where the browser can; otherwise the default
/// plays it).
pub fn play_on(element: &HtmlMediaElement, sink_id: &str) {
    let Ok(method) = js_sys::Reflect::get(element, &"setSinkId".into()) else {
        return;
    };
    if let Ok(method) = method.dyn_into::<js_sys::Function>() {
        // A refused sink (the device left) keeps the current one.
        let _ = method.call1(element, &JsValue::from_str(sink_id));
    }
}

/// Plays a short tone on `sink_id` (`None`: the default speaker), from a hidden
/// `<audio data-testid="test-tone">` in the page while it lasts (so that a test can see
/// which speaker plays it). One tone at a time: another click replaces it.
pub fn play_test_tone(sink_id: Option<&str>) -> Result<(), JsValue> {
    let document = web_sys::window()
        .and_then(|window| window.document())
        .ok_or(JsValue::NULL)?;
    if let Some(playing) = document.query_selector("[data-testid=test-tone]")? {
        playing.remove();
    }
    let context = AudioContext::new()?;
    match start_tone(&context, &document, sink_id) {
        Ok((oscillator, audio)) => {
            Timeout::new(TEST_TONE_MS, move || {
                let _ = oscillator.stop();
                audio.set_src_object(None);
                audio.remove();
                let _ = context.close();
            })
            .forget();
            Ok(())
        }
        Err(error) => {
            let _ = context.close();
            Err(error)
        }
    }
}

/// Starts the tone in `context` on an `<audio>` element added to the page once it plays.
fn start_tone(
    context: &AudioContext,
    document: &web_sys::Document,
    sink_id: Option<&str>,
) -> Result<(OscillatorNode, HtmlMediaElement), JsValue> {
    let oscillator = context.create_oscillator()?;
    oscillator.frequency().set_value(TEST_TONE_HZ);
    let gain = context.create_gain()?;
    gain.gain().set_value(0.2);
    let destination = context.create_media_stream_destination()?;
    oscillator.connect_with_audio_node(&gain)?;
    gain.connect_with_audio_node(&destination)?;
    let audio: HtmlMediaElement = document.create_element("audio")?.dyn_into()?;
    audio.set_hidden(true);
    audio.set_attribute("data-testid", "test-tone")?;
    audio.set_src_object(Some(&destination.stream()));
    if let Some(sink_id) = sink_id {
        play_on(&audio, sink_id);
    }
    oscillator.start()?;
    let _ = audio.play()?;
    if let Some(body) = document.body() {
        body.append_child(&audio)?;
    }
    Ok((oscillator, audio))
}
