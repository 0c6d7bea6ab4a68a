// Storyloom's story view (chatapp/storyview.py builds the props): the story as it is now, every frame in order
// with its current number, picture, caption and lock, and its buttons. Sent again after every change.
import { Button } from "@/components/ui/button"
import { Badge } from "@/components/ui/badge"
import { Dice5, Pencil, Type, Lock, LockOpen } from "lucide-react"

function FrameButtons({ frame }) {
  const act = (name, payload) => callAction({ name, payload: { frame_id: frame.id, ...payload } })
  return (
    <div className="flex flex-wrap gap-1">
      <Button size="sm" variant="outline" onClick={() => act("reroll", {})} title="New seed for this frame">
        <Dice5 className="h-4 w-4" /> Re-roll
      </Button>
      <Button size="sm" variant="outline" onClick={() => act("edit_frame", {})} title="Change this frame's text">
        <Pencil className="h-4 w-4" /> Edit
      </Button>
      <Button size="sm" variant="outline" onClick={() => act("edit_caption", {})} title="Change the words under it">
        <Type className="h-4 w-4" /> Caption
      </Button>
      <Button size="sm" variant="outline" onClick={() => act("toggle_lock", { locked: !frame.locked })}
        title="Locked frames are never re-rendered unless you ask for them">
        {frame.locked ? <LockOpen className="h-4 w-4" /> : <Lock className="h-4 w-4" />}
        {frame.locked ? " Unlock" : " Lock"}
      </Button>
    </div>
  )
}

function Frame({ frame }) {
  return (
    <div className="story-frame flex flex-col gap-1 rounded-md border p-2" data-frame-id={frame.id}
      data-number={frame.number}>
      <div className="flex items-center gap-2">
        <span className="frame-number font-semibold">Frame {frame.number}</span>
        {frame.locked ? <Badge variant="secondary">🔒 locked</Badge> : null}
        {frame.due ? <Badge variant="outline">to be drawn</Badge> : null}
      </div>
      {frame.image
        ? <img src={frame.image} alt={`story frame ${frame.number}`} className="w-full rounded" />
        : <div className="rounded bg-muted p-6 text-center text-muted-foreground">Not drawn yet</div>}
      {frame.test_image
        ? <div className="text-xs font-semibold text-red-700">Test image: random weights, not a real image model</div>
        : null}
      <div className="frame-caption">{frame.caption}{frame.caption_by_person ? " ✎" : ""}</div>
      <FrameButtons frame={frame} />
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
      {props.note ? <div className="rounded bg-red-100 p-2 text-red-900">{props.note}</div> : null}
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
