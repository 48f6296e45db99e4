import { readProductIcon } from '@/lib/catalogue/icons';
import { imageResponse } from '../../image-response';

export async function GET(_: Request, { params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  return imageResponse((actor) => readProductIcon(actor, slug));
}
