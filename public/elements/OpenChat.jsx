// A button to another chat of the history (chatapp/stories.py: the person's last story, offered in a chat
// without one). It opens that chat in this tab.
import { Button } from "@/components/ui/button"
import { BookOpen } from "lucide-react"

export default function OpenChat() {
  return (
    <Button id="open-last-story" variant="outline" onClick={() => window.location.assign(props.href)}>
      <BookOpen className="h-4 w-4" /> {props.label}
    </Button>
  )
}
