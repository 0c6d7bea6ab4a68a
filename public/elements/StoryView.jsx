// Storyloom's story view (chatapp/storyview.py builds the props): the story as it is now, every frame in order
// with its current number, picture, caption and lock, and its buttons. Sent again after every change.
import { Button } from "@/components/ui/button"
import { Badge } from "@/components/ui/badge"
import { Dice5, Pencil, Type, Lock, LockOpen } from "lucide-react"

// Layout in inline styles: a custom element gets only the Tailwind classes Chainlit's own pages already use.
const ROW = { display: "flex", gap: "0.5rem", alignItems: "flex-start" }
const PICTURE = { width: "38%", flexShrink: 0 }
const NOTE = { background: "#fde2e2", color: "#7f1d1d" }

function FrameButton({ label, tip, onClick, children }) {
  return (
    <Button size="icon" variant="outline" className="h-8 w-8" aria-label={label} title={tip} onClick={onClick}>
      {children}
    </Button>
  )
}

function FrameButtons({ frame }) {
  const act = (name, payload) => callAction({ name, payload: { frame_id: frame.id, ...payload } })
  return (
    <div className="flex flex-wrap gap-1">
      <FrameButton label="Re-roll" tip="Re-roll: a new seed for this frame" onClick={() => act("reroll", {})}>
        <Dice5 className="h-4 w-4" />
      </FrameButton>
      <FrameButton label="Edit" tip="Edit: change this frame's text" onClick={() => act("edit_frame", {})}>
        <Pencil className="h-4 w-4" />
      </FrameButton>
      <FrameButton label="Caption" tip="Caption: change the words under the picture"
        onClick={() => act("edit_caption", {})}>
        <Type className="h-4 w-4" />
      </FrameButton>
      <FrameButton label={frame.locked ? "Unlock" : "Lock"}
        tip={frame.locked ? "Unlock: let this frame change again" : "Lock: keep this picture as it is"}
        onClick={() => act("toggle_lock", { locked: !frame.locked })}>
        {frame.locked ? <LockOpen className="h-4 w-4" /> : <Lock className="h-4 w-4" />}
      </FrameButton>
    </div>
  )
}

function Frame({ frame }) {
  return (
    <div className="story-frame rounded-md border p-2" style={ROW} data-frame-id={frame.id} data-number={frame.number}>
      <div style={PICTURE}>
        {frame.image
          ? <img src={frame.image} alt={`story frame ${frame.number}`} className="rounded" style={{ width: "100%" }} />
          : <div className="rounded bg-muted p-4 text-center text-xs text-muted-foreground">Not drawn yet</div>}
      </div>
      <div className="flex flex-col gap-1" style={{ minWidth: 0, flex: 1 }}>
        <div className="flex flex-wrap items-center gap-1">
          <span className="frame-number font-semibold">Frame {frame.number}</span>
          {frame.locked ? <Badge variant="secondary">🔒 locked</Badge> : null}
          {frame.due ? <Badge variant="outline">to be drawn</Badge> : null}
        </div>
        <div className="frame-caption">{frame.caption}{frame.caption_by_person ? " ✎" : ""}</div>
        {frame.test_image
          ? <div className="text-xs font-semibold text-red-600">Test image: random weights, not a real model</div>
          : null}
        <FrameButtons frame={frame} />
      </div>
    </div>
  )
}

export default function StoryView() {
  const frames = props.frames || []
  const cast = props.cast || []
  return (
    <div id="story-view" className="flex flex-col gap-3 text-sm">
      <div className="flex flex-col gap-1">
        <div className="story-title text-lg font-semibold">{props.title}</div>
        <div><span className="font-semibold">Character:</span> {props.character}</div>
        <div><span className="font-semibold">Style:</span> {props.style}</div>
        <div className="text-muted-foreground">{frames.length} frame{frames.length === 1 ? "" : "s"}</div>
      </div>
      {props.note ? <div className="rounded p-2" style={NOTE}>{props.note}</div> : null}
      {cast.length ? (
        <div className="story-cast flex flex-col gap-1">
          <div className="font-semibold">Cast</div>
          {cast.map((member, i) => (
            <div key={i}>
              <span className="font-semibold">{member.name || member.handle}</span>
              {member.handle && member.name ? ` (${member.handle})` : ""}: {member.description}
              <span className="text-muted-foreground"> — frames {member.frames.join(", ")}</span>
            </div>
          ))}
        </div>
      ) : null}
      {frames.map((frame) => <Frame key={frame.id} frame={frame} />)}
    </div>
  )
}
