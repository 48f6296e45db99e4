import { readScreenshot } from '@/lib/catalogue/screenshots';
import { imageResponse } from '../../../image-response';

export async function GET(_: Request, { params }: { params: Promise<{ slug: string; id: string }> }) {
  const { slug, id } = await params;
  return imageResponse((actor) => readScreenshot(actor, slug, id));
}
